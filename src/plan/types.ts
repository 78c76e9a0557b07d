/**
 * The resource classes the project's readers look at, and their type tokens taken from the classes
 * themselves (each @pulumi/aws class carries its token as `__pulumiType`), so a token is never spelled by
 * hand. The policy pack, the estimator, the drill diff and the diagram all look resources up through these.
 *
 * Adding a service: add its classes here, its readers in src/plan/facts.ts.
 */
import * as appautoscaling from "@pulumi/aws/appautoscaling";
import * as autoscaling from "@pulumi/aws/autoscaling";
import * as backup from "@pulumi/aws/backup";
import * as cloudfront from "@pulumi/aws/cloudfront";
import * as cloudtrail from "@pulumi/aws/cloudtrail";
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as dynamodb from "@pulumi/aws/dynamodb";
import * as ebs from "@pulumi/aws/ebs";
import * as efs from "@pulumi/aws/efs";
import * as efsNative from "@pulumi/aws-native/efs";
import * as elasticache from "@pulumi/aws/elasticache";
import * as acm from "@pulumi/aws/acm";
import * as apigatewayv2 from "@pulumi/aws/apigatewayv2";
import * as cognito from "@pulumi/aws/cognito";
import * as cognitoNative from "@pulumi/aws-native/cognito";
import * as ec2 from "@pulumi/aws/ec2";
import * as ecr from "@pulumi/aws/ecr";
import * as ecs from "@pulumi/aws/ecs";
import * as fis from "@pulumi/aws/fis";
import * as globalaccelerator from "@pulumi/aws/globalaccelerator";
import * as guardduty from "@pulumi/aws/guardduty";
import * as iam from "@pulumi/aws/iam";
import * as kms from "@pulumi/aws/kms";
import * as lambda from "@pulumi/aws/lambda";
import * as sfn from "@pulumi/aws/sfn";
import * as sns from "@pulumi/aws/sns";
import * as sqs from "@pulumi/aws/sqs";
import * as lb from "@pulumi/aws/lb";
import * as organizations from "@pulumi/aws/organizations";
import * as rds from "@pulumi/aws/rds";
import * as route53 from "@pulumi/aws/route53";
import * as route53recoverycontrol from "@pulumi/aws/route53recoverycontrol";
import * as s3 from "@pulumi/aws/s3";
import * as secretsmanager from "@pulumi/aws/secretsmanager";
import * as ssm from "@pulumi/aws/ssm";
import * as vpc from "@pulumi/aws/vpc";
import * as wafv2 from "@pulumi/aws/wafv2";
import { Provider as AwsProvider } from "@pulumi/aws/provider";
import { Provider as AwsNativeProvider } from "@pulumi/aws-native/provider";
import { RandomPassword } from "@pulumi/random/randomPassword";
import { ENGINE } from "./engineTypes";

export { DYNAMIC, dynamicToken, isAws, isCloudResource, isEngineType, moduleOf } from "./engineTypes";

/** A generated resource class: its token is a static `__pulumiType` (not in the declarations). */
export type ResourceClass = abstract new (...args: never[]) => unknown;

/** The type token of a resource class, read from the class. */
export function tokenOf(cls: ResourceClass): string {
    const t = (cls as unknown as { __pulumiType?: unknown }).__pulumiType;
    if (typeof t !== "string" || t === "") throw new Error(`${cls.name} carries no __pulumiType`);
    return t;
}

/** The classes by the short names the readers use. */
export const CLASSES = {
    vpc: ec2.Vpc,
    subnet: ec2.Subnet,
    internetGateway: ec2.InternetGateway,
    routeTable: ec2.RouteTable,
    route: ec2.Route,
    routeTableAssociation: ec2.RouteTableAssociation,
    defaultSecurityGroup: ec2.DefaultSecurityGroup,
    flowLog: ec2.FlowLog,
    natGateway: ec2.NatGateway,
    eip: ec2.Eip,
    vpcEndpoint: ec2.VpcEndpoint,
    securityGroup: ec2.SecurityGroup,
    securityGroupRule: ec2.SecurityGroupRule,
    ingressRule: vpc.SecurityGroupIngressRule,
    egressRule: vpc.SecurityGroupEgressRule,
    launchTemplate: ec2.LaunchTemplate,
    instance: ec2.Instance,
    ebsVolume: ebs.Volume,
    asg: autoscaling.Group,
    loadBalancer: lb.LoadBalancer,
    listener: lb.Listener,
    targetGroup: lb.TargetGroup,
    listenerRule: lb.ListenerRule,
    certificate: acm.Certificate,
    certificateValidation: acm.CertificateValidation,
    asgPolicy: autoscaling.Policy,
    ecsCluster: ecs.Cluster,
    taskDefinition: ecs.TaskDefinition,
    ecsService: ecs.Service,
    scalableTarget: appautoscaling.Target,
    scalingPolicy: appautoscaling.Policy,
    ecrRepository: ecr.Repository,
    ecrCreationTemplate: ecr.RepositoryCreationTemplate,
    ecrReplication: ecr.ReplicationConfiguration,
    ecrLifecyclePolicy: ecr.LifecyclePolicy,
    ecrRepositoryPolicy: ecr.RepositoryPolicy,
    globalCluster: rds.GlobalCluster,
    rdsCluster: rds.Cluster,
    clusterInstance: rds.ClusterInstance,
    rdsInstance: rds.Instance,
    dbSubnetGroup: rds.SubnetGroup,
    clusterParameterGroup: rds.ClusterParameterGroup,
    parameterGroup: rds.ParameterGroup,
    table: dynamodb.Table,
    tableReplica: dynamodb.TableReplica,
    kmsKey: kms.Key,
    kmsReplicaKey: kms.ReplicaKey,
    kmsAlias: kms.Alias,
    kmsGrant: kms.Grant,
    logGroup: cloudwatch.LogGroup,
    metricAlarm: cloudwatch.MetricAlarm,
    compositeAlarm: cloudwatch.CompositeAlarm,
    dashboard: cloudwatch.Dashboard,
    logResourcePolicy: cloudwatch.LogResourcePolicy,
    backupVault: backup.Vault,
    backupPlan: backup.Plan,
    backupSelection: backup.Selection,
    backupVaultPolicy: backup.VaultPolicy,
    backupVaultLock: backup.VaultLockConfiguration,
    secret: secretsmanager.Secret,
    secretVersion: secretsmanager.SecretVersion,
    bucket: s3.Bucket,
    bucketV2: s3.BucketV2,
    bucketSse: s3.BucketServerSideEncryptionConfiguration,
    bucketSseV2: s3.BucketServerSideEncryptionConfigurationV2,
    bucketPolicy: s3.BucketPolicy,
    bucketVersioning: s3.BucketVersioning,
    bucketVersioningV2: s3.BucketVersioningV2,
    bucketPublicAccessBlock: s3.BucketPublicAccessBlock,
    bucketOwnershipControls: s3.BucketOwnershipControls,
    bucketLifecycle: s3.BucketLifecycleConfiguration,
    bucketLifecycleV2: s3.BucketLifecycleConfigurationV2,
    bucketLogging: s3.BucketLogging,
    bucketReplication: s3.BucketReplicationConfig,
    bucketObjectLock: s3.BucketObjectLockConfiguration,
    record: route53.Record,
    healthCheck: route53.HealthCheck,
    arcCluster: route53recoverycontrol.Cluster,
    arcControlPanel: route53recoverycontrol.ControlPanel,
    arcRoutingControl: route53recoverycontrol.RoutingControl,
    arcSafetyRule: route53recoverycontrol.SafetyRule,
    cloudfrontDistribution: cloudfront.Distribution,
    originAccessControl: cloudfront.OriginAccessControl,
    cachePolicy: cloudfront.CachePolicy,
    webAcl: wafv2.WebAcl,
    webAclLogging: wafv2.WebAclLoggingConfiguration,
    logDeliverySource: cloudwatch.LogDeliverySource,
    logDeliveryDestination: cloudwatch.LogDeliveryDestination,
    logDelivery: cloudwatch.LogDelivery,
    // The order pipeline.
    sqsQueue: sqs.Queue,
    sqsQueuePolicy: sqs.QueuePolicy,
    sqsRedrivePolicy: sqs.RedrivePolicy,
    sqsRedriveAllowPolicy: sqs.RedriveAllowPolicy,
    snsTopic: sns.Topic,
    snsTopicPolicy: sns.TopicPolicy,
    snsTopicSubscription: sns.TopicSubscription,
    lambdaFunction: lambda.Function,
    lambdaPermission: lambda.Permission,
    lambdaFunctionUrl: lambda.FunctionUrl,
    lambdaEventInvokeConfig: lambda.FunctionEventInvokeConfig,
    eventSourceMapping: lambda.EventSourceMapping,
    eventBus: cloudwatch.EventBus,
    eventRule: cloudwatch.EventRule,
    eventTarget: cloudwatch.EventTarget,
    eventEndpoint: cloudwatch.EventEndpoint,
    stateMachine: sfn.StateMachine,
    bucketNotification: s3.BucketNotification,
    httpApi: apigatewayv2.Api,
    vpcLink: apigatewayv2.VpcLink,
    apiIntegration: apigatewayv2.Integration,
    apiAuthorizer: apigatewayv2.Authorizer,
    apiRoute: apigatewayv2.Route,
    apiStage: apigatewayv2.Stage,
    apiDomainName: apigatewayv2.DomainName,
    apiMapping: apigatewayv2.ApiMapping,
    userPoolClient: cognito.UserPoolClient,
    // Sign-in's pool, replica and domain come from @pulumi/aws-native (components/identity.ts says why).
    userPool: cognitoNative.UserPool,
    userPoolReplica: cognitoNative.UserPoolReplica,
    userPoolDomain: cognitoNative.UserPoolDomain,
    managedLoginBranding: cognitoNative.ManagedLoginBranding,
    // The cache (ElastiCache for Valkey, components/cache.ts).
    cacheReplicationGroup: elasticache.ReplicationGroup,
    cacheGlobalDatastore: elasticache.GlobalReplicationGroup,
    cacheSubnetGroup: elasticache.SubnetGroup,
    cacheUser: elasticache.User,
    cacheUserGroup: elasticache.UserGroup,
    /** The cache's endpoint, read by the services' tasks when they start. */
    ssmParameter: ssm.Parameter,
    // The shared files (components/sharedFiles.ts): the file system from @pulumi/aws-native (it says why).
    fileSystem: efsNative.FileSystem,
    mountTarget: efs.MountTarget,
    accessPoint: efs.AccessPoint,
    fileSystemPolicy: efs.FileSystemPolicy,
    // Never planned (the replication is the FilesReplication dynamic resource's); named by the drill's rules.
    efsReplicationConfiguration: efs.ReplicationConfiguration,
    // Operations beyond the alarms: the audit trail, GuardDuty, fault-injection templates. The drill's rules name
    // them before their components land, so a role change that would replace one is seen the day it is wired.
    trail: cloudtrail.Trail,
    guardDutyDetector: guardduty.Detector,
    guardDutyDetectorFeature: guardduty.DetectorFeature,
    fisExperimentTemplate: fis.ExperimentTemplate,
    // Global services the drill's region rule names (src/replaceRules.ts); the program plans none yet.
    globalAccelerator: globalaccelerator.Accelerator,
    organization: organizations.Organization,
    iamRole: iam.Role,
    iamPolicy: iam.Policy,
    iamRolePolicy: iam.RolePolicy,
    iamRolePolicyAttachment: iam.RolePolicyAttachment,
    instanceProfile: iam.InstanceProfile,
    randomPassword: RandomPassword,
} as const;

export type Kind = keyof typeof CLASSES;

/** Type tokens by short name, e.g. `T.vpc` is "aws:ec2/vpc:Vpc". */
export const T: { readonly [K in Kind]: string } = Object.fromEntries(Object.entries(CLASSES).map(([k, cls]) => [k, tokenOf(cls)])) as {
    readonly [K in Kind]: string;
};

/** Types the engine itself adds, and the AWS provider's, whose token its class carries. */
export const PULUMI = {
    ...ENGINE,
    /** The AWS provider's resource type: `pulumi:providers:` and the provider class's package token. */
    awsProvider: `${ENGINE.providerPrefix}${tokenOf(AwsProvider)}`,
    /** Sign-in's Cloud Control provider, set to the stack's region (components/identity.ts). */
    awsNativeProvider: `${ENGINE.providerPrefix}${tokenOf(AwsNativeProvider)}`,
} as const;
