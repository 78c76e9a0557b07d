/**
 * The SecureCart policy pack. This file only constructs the pack: constructing it starts the analyzer's gRPC
 * server (the Pulumi engine, or tools/policyRunner.ts, talks to it), so nothing else may import this file.
 * Every policy lives in a plain module, one per area, and is listed here explicitly.
 */
import { PolicyPack } from "@pulumi/policy";
import { cacheBaseline, cacheMatchesStrategy, filesBaseline, filesMatchStrategy } from "./cacheAndFiles";
import {
    albAccessLogs,
    albDropInvalidHeaders,
    albHttpRedirect,
    albTls12,
    ebsEncryptedCmk,
    ecrEncryptedCmk,
    ecrReplicasEncryptedCmk,
    ecsLogging,
    ecsNoPublicIp,
    ecsNotPrivileged,
    imdsv2Required,
} from "./compute";
import { rdsBackupRetention, rdsDeletionProtection, rdsEncryptedCmk, rdsEngineVersionPinned, rdsNotPublic } from "./database";
import { detectionWithinRto, routingRecordTtl, routingRecordsHealthChecked } from "./dns";
import {
    auroraVersionsConsistent,
    backupsCopiedToStandbys,
    capacityMatchesStrategy,
    globalTablesReplicated,
    resourcesInStackRegion,
    standbyHasStrategyResources,
    statefulProtected,
} from "./dr";
import { dynamoDeletionProtection, dynamoEncryptedCmk, dynamoPitr } from "./dynamodb";
import {
    albOnlyFromCloudFront,
    assetBucketsCloudFrontOnly,
    assetBucketsProtected,
    assetBucketsReplicated,
    cloudfrontHttpsOnly,
    cloudfrontLogging,
    cloudfrontS3OriginsOac,
    cloudfrontViewerTls,
    cloudfrontWafAttached,
    serverAccessLogs,
    wafLoggingEncrypted,
    wafManagedRules,
} from "./edge";
import { apiBaseline, apiMatchesStrategy, apiRoutesAuthorized, identityMatchesStrategy, servicesOnlyThroughApi, userPoolBaseline } from "./identity";
import { noAdminPortsFromInternet, noPublicIngress, vpcFlowLogs } from "./network";
import {
    alarmHasAction,
    alarmTopicsEncrypted,
    cloudtrailBaseline,
    fisStopConditions,
    guardDutyEveryRegion,
    logGroupRetention,
    tierAlarmsExist,
} from "./operations";
import {
    eventEndpointFailover,
    lambdaFailureDestination,
    lambdaLogGroupProtected,
    lambdaNotPublic,
    lambdaSupportedRuntime,
    lambdaTracingActive,
    orderEventEndpoint,
    pipelineMatchesStrategy,
    queuesKeepStrandedMessages,
    sfnLoggingAndTracing,
    snsEncryptedCmk,
    sqsDeadLetterQueues,
    sqsEncryptedCmk,
    sqsVisibilityCoversConsumer,
} from "./pipeline";
import { backupVaultEncrypted, kmsRotation, logGroupEncrypted, requiredTags, s3Encrypted, secretsEncrypted } from "./security";
import { drEstimatesWithinTargets } from "./targets";

new PolicyPack("securecart-policies", {
    description: "SecureCart: security baseline for every resource, and disaster-recovery invariants for each region's stack.",
    enforcementLevel: "mandatory",
    policies: [
        // network
        noAdminPortsFromInternet,
        noPublicIngress,
        vpcFlowLogs,
        // compute
        imdsv2Required,
        ebsEncryptedCmk,
        albTls12,
        albHttpRedirect,
        albAccessLogs,
        albDropInvalidHeaders,
        ecsNotPrivileged,
        ecsLogging,
        ecsNoPublicIp,
        ecrEncryptedCmk,
        ecrReplicasEncryptedCmk,
        // database
        rdsEncryptedCmk,
        rdsNotPublic,
        rdsBackupRetention,
        rdsDeletionProtection,
        rdsEngineVersionPinned,
        // dynamodb
        dynamoEncryptedCmk,
        dynamoPitr,
        dynamoDeletionProtection,
        // security
        kmsRotation,
        logGroupEncrypted,
        backupVaultEncrypted,
        secretsEncrypted,
        s3Encrypted,
        requiredTags,
        // edge
        cloudfrontViewerTls,
        cloudfrontHttpsOnly,
        cloudfrontLogging,
        cloudfrontWafAttached,
        cloudfrontS3OriginsOac,
        wafManagedRules,
        wafLoggingEncrypted,
        assetBucketsCloudFrontOnly,
        assetBucketsProtected,
        assetBucketsReplicated,
        serverAccessLogs,
        albOnlyFromCloudFront,
        // dns
        routingRecordsHealthChecked,
        routingRecordTtl,
        detectionWithinRto,
        // order pipeline
        sqsEncryptedCmk,
        sqsDeadLetterQueues,
        sqsVisibilityCoversConsumer,
        lambdaNotPublic,
        lambdaTracingActive,
        lambdaFailureDestination,
        lambdaSupportedRuntime,
        lambdaLogGroupProtected,
        snsEncryptedCmk,
        sfnLoggingAndTracing,
        eventEndpointFailover,
        pipelineMatchesStrategy,
        orderEventEndpoint,
        queuesKeepStrandedMessages,
        // sign-in and the API
        servicesOnlyThroughApi,
        apiRoutesAuthorized,
        apiBaseline,
        userPoolBaseline,
        identityMatchesStrategy,
        apiMatchesStrategy,
        // the cache and the shared files
        cacheBaseline,
        filesBaseline,
        cacheMatchesStrategy,
        filesMatchStrategy,
        // operations
        alarmHasAction,
        alarmTopicsEncrypted,
        tierAlarmsExist,
        logGroupRetention,
        cloudtrailBaseline,
        guardDutyEveryRegion,
        fisStopConditions,
        // dr
        standbyHasStrategyResources,
        capacityMatchesStrategy,
        auroraVersionsConsistent,
        globalTablesReplicated,
        backupsCopiedToStandbys,
        statefulProtected,
        resourcesInStackRegion,
        drEstimatesWithinTargets,
    ],
});
