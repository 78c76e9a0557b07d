/**
 * The services' compute component planned on its own under the mock runtime (tools/planner.ts `planProgram`),
 * with the arguments the region passes it stood in by fixed values: for what the whole-program plan cannot show
 * yet (an argument the program does not pass), and for comparing the component with and without it.
 */
import * as pulumi from "@pulumi/pulumi";
import { FargateServices, type FargateServicesArgs } from "../components/fargateService";
import type { ServiceConfig } from "../src/config";
import { planProgram, type StackPlan } from "../tools/planner";
import { PLACEHOLDER_ACCOUNT } from "../tools/fakeAws";
import { configOf } from "./helpers";

export const COMPONENT_REGION = "us-east-1";

/** The shipped services (the prod stack's effective config): catalogue and cart on the cache, the catalogue sharing files. */
export function shippedServices(): ServiceConfig[] {
    return [...configOf("prod").services];
}

/** Plans FargateServices alone for `services`, with `extra` args (e.g. `tracing`) on top of the fixed ones. */
export function planFargateServices(services: readonly ServiceConfig[], extra: Partial<FargateServicesArgs> = {}): Promise<StackPlan> {
    const region = COMPONENT_REGION;
    const arn = (kind: string) => `arn:aws:${kind}`;
    return planProgram(
        () => {
            const logGroups = Object.fromEntries(
                services.map((s) => [
                    s.name,
                    {
                        name: pulumi.output(`securecart-svc-${s.name}-logs`),
                        arn: pulumi.output(`${arn("logs")}:${region}:${PLACEHOLDER_ACCOUNT}:log-group:securecart-svc-${s.name}-logs`),
                    },
                ]),
            );
            const sharing = services.filter((s) => s.sharedPath !== undefined);
            new FargateServices("securecart-svc", {
                vpcId: "vpc-0123456789abcdef0",
                appSubnetIds: ["subnet-0a", "subnet-0b"],
                appSecurityGroupId: "sg-0app",
                httpsListenerArn: `${arn("elasticloadbalancing")}:${region}:${PLACEHOLDER_ACCOUNT}:listener/app/svc/0/0`,
                originVerify: { headerName: "x-origin-verify", value: "secret" },
                services,
                capacities: Object.fromEntries(services.map((s) => [s.name, { min: 2, max: 10, desired: 2 }])),
                logGroups,
                sharedFiles: {
                    fileSystemId: "fs-0123456789abcdef0",
                    fileSystemArn: `${arn("elasticfilesystem")}:${region}:${PLACEHOLDER_ACCOUNT}:file-system/fs-0123456789abcdef0`,
                    accessPoints: Object.fromEntries(
                        sharing.map((s) => [
                            s.name,
                            {
                                id: `fsap-${s.name}`,
                                arn: `${arn("elasticfilesystem")}:${region}:${PLACEHOLDER_ACCOUNT}:access-point/fsap-${s.name}`,
                            },
                        ]),
                    ),
                    readOnly: false,
                },
                cache: {
                    endpointParameterName: `/securecart/cache/${region}/endpoint`,
                    port: 6379,
                    userName: "securecart-app",
                    passwordParameterName: `/securecart/cache/${region}/password`,
                    kmsKeyArn: `${arn("kms")}:${region}:${PLACEHOLDER_ACCOUNT}:key/data`,
                },
                tags: { Project: "securecart" },
                ...extra,
            });
        },
        { region },
    );
}
