/**
 * The bundled price sheet (prices.json): on-demand list prices for the billable types the program creates,
 * per region, with its date and source. It is an estimate and says so; edit it by hand to update it.
 */
import sheet from "./prices.json";

export type FlatPriceKey = Exclude<keyof RegionPrices, "ec2Hour" | "auroraPostgresHour">;

export interface RegionPrices {
    readonly natGatewayHour: number;
    readonly natGatewayGb: number;
    readonly publicIpv4Hour: number;
    readonly vpcInterfaceEndpointHour: number;
    readonly albHour: number;
    readonly albLcuHour: number;
    /** Instance type → $/hour. */
    readonly ec2Hour: Readonly<Record<string, number>>;
    readonly fargateVcpuHour: number;
    readonly fargateGbHour: number;
    /** DB instance class → $/hour. */
    readonly auroraPostgresHour: Readonly<Record<string, number>>;
    readonly auroraStorageGbMonth: number;
    readonly auroraIoMillion: number;
    readonly auroraReplicatedWriteIoMillion: number;
    readonly dynamoWriteRequestMillion: number;
    readonly dynamoReadRequestMillion: number;
    readonly dynamoReplicatedWriteRequestMillion: number;
    readonly dynamoWcuHour: number;
    readonly dynamoRcuHour: number;
    readonly dynamoReplicatedWcuHour: number;
    readonly dynamoStorageGbMonth: number;
    readonly dynamoPitrGbMonth: number;
    readonly backupAuroraGbMonth: number;
    readonly backupDynamoGbMonth: number;
    readonly route53HealthCheckMonth: number;
    readonly route53HealthCheckFeatureMonth: number;
    readonly route53RecordMonth: number;
    readonly arcClusterHour: number;
    readonly kmsKeyMonth: number;
    readonly cloudwatchAlarmMonth: number;
    readonly logsIngestGb: number;
    readonly secretMonth: number;
    readonly ecrStorageGbMonth: number;
    readonly s3StandardGbMonth: number;
    readonly s3StandardIaGbMonth: number;
    readonly s3RtcGb: number;
    readonly interRegionTransferGb: number;
    readonly cloudfrontDataTransferOutGb: number;
    readonly cloudfrontHttpsRequest10k: number;
    readonly wafWebAclMonth: number;
    readonly wafRuleMonth: number;
    readonly wafRequestMillion: number;
    readonly lambdaRequestMillion: number;
    readonly lambdaGbSecond: number;
    readonly stepFunctionsTransition1k: number;
    readonly apiGatewayHttpRequestMillion: number;
    readonly apiGatewayHttpRequestMillionOver300M: number;
    readonly efsStandardGbMonth: number;
    readonly cloudwatchCompositeAlarmMonth: number;
    readonly cloudwatchDashboardMonth: number;
    readonly cloudtrailManagementEventCopy100k: number;
    readonly fisActionMinute: number;
}

export interface PriceSheet {
    /** Says, in words, that these figures are an estimate. */
    readonly label: string;
    /** When the figures were compiled (YYYY-MM-DD). */
    readonly date: string;
    /** Where they come from. */
    readonly source: string;
    readonly currency: string;
    /** Price key → what one unit is. */
    readonly units: Readonly<Record<string, string>>;
    /**
     * Price key → where its figure comes from and when it was read, for the figures the sheet-wide `source`
     * does not cover; says "NOT CONFIRMED on an AWS page" where the figure is not from AWS's own page.
     */
    readonly notes?: Readonly<Record<string, string>>;
    readonly regions: Readonly<Record<string, RegionPrices>>;
}

export const PRICES: PriceSheet = sheet as PriceSheet;

/** Regions the sheet covers. */
export function pricedRegions(s: PriceSheet = PRICES): string[] {
    return Object.keys(s.regions);
}
