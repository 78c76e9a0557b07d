/**
 * Order pipeline policies: the security baseline of its SQS queues, Lambda functions, SNS topics, Step Functions
 * state machine and EventBridge global endpoint, and the DR invariants that let orders survive a region's loss:
 * the pipeline's shape per the strategy table (src/strategy.ts `planPipeline`, the same pure function the
 * program uses), the global endpoint once the other region's bus exists, and queues that keep stranded messages.
 */
import * as cloudwatch from "@pulumi/aws/cloudwatch";
import * as lambda from "@pulumi/aws/lambda";
import * as sfn from "@pulumi/aws/sfn";
import * as sns from "@pulumi/aws/sns";
import * as sqs from "@pulumi/aws/sqs";
import { validateResourceOfType } from "@pulumi/policy";
import { SQS_MAX_RETENTION_SECONDS, SQS_VISIBILITY_PER_LAMBDA_TIMEOUT } from "../src/awsFacts";
import { ResourcePolicy, StackPolicy, configOf, factsSchema, requireContext, who } from "./lib";
import {
    ProjectFacts,
    T,
    UNKNOWN,
    allowsSource,
    arr,
    deadLetterSourcesOf,
    dependsOn,
    functionLogGroupOf,
    functionTimeoutOf,
    get,
    isCmk,
    isSet,
    isUnknown,
    known,
    label,
    mappedFunctionOf,
    mappedQueueOf,
    mappingEnabled,
    messageRetentionOf,
    nonEmpty,
    num,
    obj,
    isPipelineFunction,
    ofType,
    peerOrderBuses,
    redriveAllowsOf,
    redrivesOf,
    refersTo,
    ruleBusOf,
    ruleFunctionTargets,
    ruleStateMachineTargets,
    ruleStateOf,
    text,
    visibilityTimeoutOf,
} from "../src/plan";

// ---------------------------------------------------------------------------------------------------------
// SQS
// ---------------------------------------------------------------------------------------------------------

export const sqsEncryptedCmk: ResourcePolicy = {
    name: "aws-sqs-encrypted-cmk",
    description:
        "SQS queues are encrypted under a customer-managed KMS key (kmsMasterKeyId, not alias/aws/sqs), never SQS-managed SSE alone or not at all.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsMasterKeyId to the region's data key and leave sqsManagedSseEnabled unset; the key policy must let the producers' services (sns.amazonaws.com, events.amazonaws.com) use it, or their deliveries are dropped.",
    validateResource: validateResourceOfType(sqs.Queue, (q, _args, report) => {
        const key = known(() => q.kmsMasterKeyId);
        if (isCmk(key)) return;
        report(
            nonEmpty(key)
                ? `SQS queues must be encrypted under a customer-managed KMS key; kmsMasterKeyId is the AWS-managed ${key}, whose key policy the project cannot scope.`
                : known(() => q.sqsManagedSseEnabled) === true
                  ? "SQS queues must be encrypted under a customer-managed KMS key (kmsMasterKeyId); SQS-managed SSE alone is not enough."
                  : "SQS queues must be encrypted under a customer-managed KMS key (kmsMasterKeyId is unset).",
        );
    }),
};

export const sqsDeadLetterQueues: StackPolicy = {
    name: "aws-sqs-dead-letter-queues",
    description:
        "Every SQS queue that is not itself a dead-letter queue has a redrive policy to a dead-letter queue, and every dead-letter queue of an SQS queue has a byQueue redrive-allow policy naming each of its source queues.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give the source queue an aws.sqs.RedrivePolicy { queueUrl, redrivePolicy: { deadLetterTargetArn: <DLQ ARN>, maxReceiveCount } } and the dead-letter queue an aws.sqs.RedriveAllowPolicy { queueUrl: <DLQ URL>, redriveAllowPolicy: { redrivePermission: "byQueue", sourceQueueArns: [<source ARN>] } } (separate resources: inline, the two queues would refer to each other). Without a DLQ a poison message is retried until retention ends and blocks its batch; without the allow policy any queue in the account may dump into the DLQ and its alarm means nothing.',
    validateStack: (args, report) => {
        const rs = args.resources;
        const queues = ofType(rs, T.sqsQueue);
        for (const q of queues) {
            const sources = deadLetterSourcesOf(q, rs);
            // A dead-letter queue is one something names as such, or one that says whom it admits (a redrive-allow
            // policy; `denyAll` for a queue only Lambda and EventBridge write to, kept where they do not exist).
            const isDlq = sources.length > 0 || redriveAllowsOf(q, rs).length > 0;
            if (!isDlq) {
                const redrives = redrivesOf(q, rs);
                if (redrives.length === 0)
                    report(
                        `${label(q)} must have a redrive policy to a dead-letter queue (an aws.sqs.RedrivePolicy on its URL); it has none.`,
                        q.urn,
                    );
                else if (!redrives.some((d) => isUnknown(d.deadLetterTargetArn) || nonEmpty(d.deadLetterTargetArn)))
                    report(`${label(q)}'s redrive policy names no dead-letter queue (deadLetterTargetArn).`, q.urn);
            }
            // A DLQ of SQS queues admits exactly its sources; a DLQ only Lambda or EventBridge write to has no SQS source to name.
            const sqsSources = sources.filter((s) => s.type === T.sqsQueue);
            if (sqsSources.length === 0) continue;
            const allows = redriveAllowsOf(q, rs);
            if (allows.length === 0) {
                report(
                    `${label(q)} is the dead-letter queue of ${sqsSources.map(label).join(", ")} and must have a redrive-allow policy (byQueue, naming them); it has none.`,
                    q.urn,
                );
                continue;
            }
            for (const a of allows) {
                if (isUnknown(a.permission)) continue;
                if (a.permission !== "byQueue") {
                    report(
                        `${label(q)}'s redrive-allow policy must be byQueue (naming its source queues); it is ${text(a.permission, "(unset)")}.`,
                        q.urn,
                    );
                    continue;
                }
                const missing = sqsSources.filter((s) => !allowsSource(a, s));
                if (missing.length)
                    report(
                        `${label(q)}'s redrive-allow policy must name its source queue ${missing.map(label).join(", ")} (sourceQueueArns).`,
                        q.urn,
                    );
            }
        }
    },
};

export const sqsVisibilityCoversConsumer: StackPolicy = {
    name: "aws-sqs-visibility-timeout-covers-consumer",
    description:
        "A queue a Lambda event source mapping reads has a visibility timeout of at least 6 times the consuming function's timeout, so a batch in progress, and Lambda's retries of a throttled one, never reappear to another consumer.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set the queue's visibilityTimeoutSeconds to at least 6 x the function's timeout (Lambda developer guide, \"Using Lambda with Amazon SQS\"); the pipeline derives both from securecart:pipeline.functionTimeoutSeconds.",
    validateStack: (args, report) => {
        for (const m of ofType(args.resources, T.eventSourceMapping)) {
            const q = mappedQueueOf(m, args.resources);
            const fn = mappedFunctionOf(m, args.resources);
            if (!q || !fn) continue;
            const visibility = visibilityTimeoutOf(q);
            const timeout = functionTimeoutOf(fn);
            if (visibility === undefined || timeout === undefined) continue; // decided at the update
            if (visibility < SQS_VISIBILITY_PER_LAMBDA_TIMEOUT * timeout)
                report(
                    `${label(q)} is read by ${label(fn)} (timeout ${timeout} s) and must have a visibility timeout of at least ${SQS_VISIBILITY_PER_LAMBDA_TIMEOUT * timeout} s; it has ${visibility} s.`,
                    q.urn,
                );
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// Lambda
// ---------------------------------------------------------------------------------------------------------

/** Whether a principal is an AWS service's (`<service>.amazonaws.com`). */
const isServicePrincipal = (p: string) => /\.amazonaws\.com(\.cn)?$/.test(p);

export const lambdaNotPublic: ResourcePolicy = {
    name: "aws-lambda-not-public",
    description:
        'No Lambda function is public: no function URL with authorizationType NONE, no permission for principal "*" (unless limited to an organization by principalOrgId), and every permission for an AWS service is limited to one source resource by sourceArn.',
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Give function URLs authorizationType "AWS_IAM". Grant lambda:InvokeFunction to the one service that invokes the function with sourceArn set to the resource that does (the rule, the bucket; add sourceAccount for S3, whose bucket ARNs name no account). sourceAccount alone is not enough: it lets every resource of that service in the account invoke the function.',
    validateResource: [
        validateResourceOfType(lambda.FunctionUrl, (u, _args, report) => {
            if (known(() => u.authorizationType) === "NONE")
                report(
                    'Function URLs must require IAM authorization (authorizationType "AWS_IAM"); NONE lets anyone on the internet invoke the function.',
                );
        }),
        validateResourceOfType(lambda.Permission, (p, _args, report) => {
            const principal = known(() => p.principal);
            if (isUnknown(principal) || !nonEmpty(principal)) return;
            if (principal === "*") {
                if (!isSet(known(() => p.principalOrgId)))
                    report('Lambda permissions must not grant principal "*" (everyone); name the service or account that invokes the function.');
                return;
            }
            if (isServicePrincipal(principal) && !isSet(known(() => p.sourceArn)))
                report(
                    `The permission for ${principal} must name the one resource that may invoke the function (sourceArn); without it any ${principal} resource${isSet(known(() => p.sourceAccount)) ? " in the account" : ", in any account,"} can.`,
                );
        }),
    ],
};

export const lambdaTracingActive: ResourcePolicy = {
    name: "aws-lambda-tracing-active",
    description:
        "Lambda functions trace every invocation with AWS X-Ray (tracingConfig.mode Active), so an order can be followed through the pipeline.",
    severity: "low",
    enforcementLevel: "mandatory",
    remediationSteps: 'Set tracingConfig { mode: "Active" } and allow xray:PutTraceSegments and xray:PutTelemetryRecords in the function\'s role.',
    validateResource: validateResourceOfType(lambda.Function, (f, _args, report) => {
        const mode = known(() => f.tracingConfig?.mode);
        if (isUnknown(mode)) return;
        if (mode !== "Active") report(`Lambda functions must trace with X-Ray (tracingConfig.mode "Active"); got ${JSON.stringify(mode ?? null)}.`);
    }),
};

export const lambdaFailureDestination: StackPolicy = {
    name: "aws-lambda-failure-destination",
    description:
        "Every Lambda function keeps what its asynchronous invocations fail on: a dead-letter queue (deadLetterConfig.targetArn) or an aws.lambda.FunctionEventInvokeConfig with an on-failure destination.",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set deadLetterConfig { targetArn: <the region's function-failures queue> } and allow sqs:SendMessage on it (and the data key) in the function's role; or create an aws.lambda.FunctionEventInvokeConfig { functionName, destinationConfig: { onFailure: { destination } } }. Not both: a failure would be delivered twice.",
    validateStack: (args, report) => {
        const configs = ofType(args.resources, T.lambdaEventInvokeConfig);
        for (const f of ofType(args.resources, T.lambdaFunction)) {
            if (isSet(get(f, "deadLetterConfig.targetArn"))) continue;
            const mine = configs.filter((c) => refersTo(c, "functionName", f));
            if (mine.some((c) => isSet(get(c, "destinationConfig.onFailure.destination")))) continue;
            report(
                `${label(f)} must keep its failed asynchronous invocations: it has no deadLetterConfig.targetArn${mine.length ? ", and its invoke config has no on-failure destination" : " and no FunctionEventInvokeConfig with an on-failure destination"}.`,
                f.urn,
            );
        }
    },
};

const runtimeSchema = {
    properties: {
        supportedRuntimes: {
            type: "array" as const,
            items: { type: "string" as const },
            // Lambda developer guide, "Lambda runtimes" (docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html), its
            // table of supported runtimes and their deprecation dates, as of 2026-12-06 (read through endoflife.date's
            // aws-lambda page, which tracks that table): the runtimes not deprecated on that date whose dates were
            // confirmed: nodejs24.x (30 Apr 2028), nodejs22.x (30 Apr 2027), python3.14 and python3.13 (30 Jun 2029),
            // python3.12 (31 Oct 2028), java25 (30 Jun 2029), dotnet10 (14 Nov 2028), ruby3.4 (31 Mar 2028) and the
            // OS-only provided.al2023 (Amazon Linux 2023, supported until 30 Jun 2029). Deprecated by then: nodejs18.x
            // (1 Sep 2025), nodejs20.x (30 Apr 2026), python3.9 (15 Dec 2025), python3.10 and python3.11 (30 Jun 2026),
            // provided.al2 (Amazon Linux 2, 30 Jun 2026). Other runtimes still supported (e.g. java21) can be added here.
            default: ["nodejs24.x", "nodejs22.x", "python3.14", "python3.13", "python3.12", "java25", "dotnet10", "ruby3.4", "provided.al2023"],
            description:
                'Lambda runtimes a function may use: those Lambda supports and has not deprecated (the developer guide\'s "Lambda runtimes" table). Update when Lambda deprecates one.',
        },
    },
};
interface RuntimeConfig {
    supportedRuntimes: string[];
}

export const lambdaSupportedRuntime: ResourcePolicy = {
    name: "aws-lambda-supported-runtime",
    description:
        "Lambda functions deployed as .zip archives use a runtime Lambda supports and has not deprecated (a deprecated runtime gets no security patches, and Lambda later blocks creating and updating functions on it).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Move the function to a supported runtime (the project builds its bundles for LAMBDA_RUNTIME in src/functionBundles.ts, nodejs24.x) and redeploy; update this policy's supportedRuntimes as Lambda's runtime table changes.",
    configSchema: runtimeSchema,
    validateResource: validateResourceOfType(lambda.Function, (f, args, report) => {
        if (known(() => f.packageType) === "Image") return; // a container image brings its own runtime
        const { supportedRuntimes } = configOf<RuntimeConfig>(runtimeSchema, args.getConfig());
        const runtime = known(() => f.runtime);
        if (isUnknown(runtime)) return;
        if (!supportedRuntimes.includes(String(runtime)))
            report(
                `Lambda functions must use a supported, not deprecated runtime (${supportedRuntimes.join(", ")}); got ${JSON.stringify(runtime ?? null)}.`,
            );
    }),
};

export const lambdaLogGroupProtected: StackPolicy = {
    name: "aws-lambda-log-group-encrypted-retained",
    description:
        "Every Lambda function logs to a log group the stack plans (loggingConfig.logGroup, else /aws/lambda/<name>), encrypted under a customer-managed KMS key and with a retention, never one Lambda creates on first write (unencrypted, kept forever).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Create an aws.cloudwatch.LogGroup { name: /aws/lambda/<function>, kmsKeyId: <the region's logs key>, retentionInDays } and set the function's loggingConfig.logGroup to its name (make the function depend on it, so it exists before the first invocation).",
    validateStack: (args, report) => {
        for (const f of ofType(args.resources, T.lambdaFunction)) {
            const g = functionLogGroupOf(f, args.resources);
            if (g === UNKNOWN) continue; // named by an output: known at the update
            if (g === undefined) {
                report(
                    `${label(f)} must log to a log group planned in this stack (loggingConfig.logGroup ${text(get(f, "loggingConfig.logGroup"), "unset")}); Lambda would create an unencrypted one that keeps logs forever.`,
                    f.urn,
                );
                continue;
            }
            if (!isCmk(get(g, "kmsKeyId"))) report(`${label(f)}'s ${label(g)} must be encrypted under a customer-managed KMS key (kmsKeyId).`, f.urn);
            const days = get(g, "retentionInDays");
            if (!isUnknown(days) && !((num(days) ?? 0) > 0))
                report(`${label(f)}'s ${label(g)} must have a retention (retentionInDays); it keeps logs forever.`, f.urn);
        }
    },
};

// ---------------------------------------------------------------------------------------------------------
// SNS, Step Functions, EventBridge
// ---------------------------------------------------------------------------------------------------------

export const snsEncryptedCmk: ResourcePolicy = {
    name: "aws-sns-topic-encrypted-cmk",
    description: "SNS topics are encrypted under a customer-managed KMS key (kmsMasterKeyId, not alias/aws/sns).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set kmsMasterKeyId to the region's data key; its key policy must let the publishers' services (events.amazonaws.com, states.amazonaws.com through the role) use it, or their messages are refused.",
    validateResource: validateResourceOfType(sns.Topic, (t, _args, report) => {
        const key = known(() => t.kmsMasterKeyId);
        if (!isCmk(key))
            report(
                nonEmpty(key)
                    ? `SNS topics must be encrypted under a customer-managed KMS key; kmsMasterKeyId is the AWS-managed ${key}.`
                    : "SNS topics must be encrypted under a customer-managed KMS key (kmsMasterKeyId is unset).",
            );
    }),
};

const SFN_LOG_LEVELS = ["ALL", "ERROR", "FATAL"];

export const sfnLoggingAndTracing: ResourcePolicy = {
    name: "aws-sfn-logging-and-tracing",
    description:
        "Step Functions state machines log executions to CloudWatch Logs (loggingConfiguration level ALL, ERROR or FATAL, never OFF, with a logDestination) and trace them with X-Ray (tracingConfiguration.enabled).",
    severity: "medium",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set loggingConfiguration { level: "ALL", includeExecutionData: false, logDestination: "<log group ARN>:*" } (a KMS-encrypted group under /aws/vendedlogs/) and tracingConfiguration { enabled: true }; the role needs the log-delivery and X-Ray actions.',
    validateResource: validateResourceOfType(sfn.StateMachine, (m, _args, report) => {
        const level = known(() => m.loggingConfiguration?.level);
        if (!isUnknown(level) && !SFN_LOG_LEVELS.includes(String(level)))
            report(`State machines must log executions (loggingConfiguration.level ALL, ERROR or FATAL); got ${JSON.stringify(level ?? "OFF")}.`);
        if (!isSet(known(() => m.loggingConfiguration?.logDestination)))
            report("State machines must send their logs to a CloudWatch log group (loggingConfiguration.logDestination).");
        const tracing = known(() => m.tracingConfiguration?.enabled);
        if (!isUnknown(tracing) && tracing !== true) report("State machines must trace executions with X-Ray (tracingConfiguration.enabled true).");
    }),
};

export const eventEndpointFailover: ResourcePolicy = {
    name: "aws-eventbridge-global-endpoint-failover",
    description:
        "An EventBridge global endpoint fails over on a Route 53 health check (routingConfig.failoverConfig.primary.healthCheck) to a secondary region, and replicates events to the secondary bus (replicationConfig state ENABLED, the provider's default when unset) through a role (roleArn).",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        'Set routingConfig.failoverConfig { primary: { healthCheck: <health check ARN> }, secondary: { route: <other region> } }, replicationConfig { state: "ENABLED" } and roleArn to a role events.amazonaws.com assumes with events:PutEvents on both buses. Without replication, events published while the primary was unhealthy exist only in the secondary, and failing back waits for an operator to reset the health check.',
    validateResource: validateResourceOfType(cloudwatch.EventEndpoint, (e, _args, report) => {
        const failover = known(() => e.routingConfig?.failoverConfig);
        if (isUnknown(failover)) return;
        if (!isSet(known(() => e.routingConfig?.failoverConfig?.primary?.healthCheck)))
            report("Global endpoints must fail over on a Route 53 health check (routingConfig.failoverConfig.primary.healthCheck).");
        if (
            !nonEmpty(known(() => e.routingConfig?.failoverConfig?.secondary?.route)) &&
            !isUnknown(known(() => e.routingConfig?.failoverConfig?.secondary?.route))
        )
            report("Global endpoints must name the region they fail over to (routingConfig.failoverConfig.secondary.route).");
        // Provider documentation (EventEndpointReplicationConfig.state): ENABLED is the default, and requires roleArn.
        const state = known(() => e.replicationConfig?.state);
        if (!isUnknown(state) && state !== undefined && state !== null && state !== "ENABLED")
            report(`Global endpoints must replicate events to the secondary bus (replicationConfig.state ENABLED); it is ${JSON.stringify(state)}.`);
        else if (!isSet(known(() => e.roleArn)))
            report("Global endpoints replicate events through a role (roleArn); replication is on (ENABLED, the default) but no roleArn is set.");
    }),
};

// ---------------------------------------------------------------------------------------------------------
// DR invariants
// ---------------------------------------------------------------------------------------------------------

const shapeSchema = factsSchema();

export const pipelineMatchesStrategy: StackPolicy = {
    name: "dr-order-pipeline-matches-strategy",
    description:
        "The order pipeline has the shape the strategy table gives the stack's role: queues everywhere; functions, event bus and state machine only where the pipeline exists; every event source mapping and every rule of the order bus enabled where consumers run (with reserved concurrency above 0) and disabled where they do not; the reconciler's schedule enabled only where the plan runs it.",
    severity: "critical",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Let the region composition build the pipeline from the plan (src/strategy.ts planPipeline: exists, consumersEnabled, reconcilerEnabled) instead of by hand. A consumer left on in a pilot-light standby processes orders in two regions; one left off in a warm standby leaves orders queued after a failover until someone notices.",
    configSchema: shapeSchema,
    validateStack: (args, report) => {
        const facts = configOf<ProjectFacts>(shapeSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const plan = ctx.plan.pipeline;
        const rs = args.resources;
        const queues = ofType(rs, T.sqsQueue);
        // The pipeline's own functions (fixed names); the API's keep-alive probe is another tier's.
        const functions = ofType(rs, T.lambdaFunction).filter((f) => isPipelineFunction(f));
        const buses = ofType(rs, T.eventBus);
        const machines = ofType(rs, T.stateMachine);
        if (!queues.some((q) => redrivesOf(q, rs).length > 0))
            report(
                `The order queues must exist in every region, ${who(ctx)} included: no SQS queue with a dead-letter queue is planned (stranded orders and failed messages live there).`,
            );
        if (!plan.exists) {
            for (const r of [...functions, ...buses, ...machines])
                report(
                    `${label(r)} must not exist: the pipeline does not run in ${who(ctx)} (only its queues, dead-letter queues and log groups are kept).`,
                    r.urn,
                );
            return;
        }
        const missing = [
            functions.length ? undefined : "Lambda functions",
            buses.length ? undefined : "the order event bus",
            machines.length ? undefined : "the fulfilment state machine",
        ].filter((m): m is string => m !== undefined);
        if (missing.length) report(`The order pipeline runs in ${who(ctx)}, but it has no ${missing.join(", ")}.`);

        const want = plan.consumersEnabled;
        const mappings = ofType(rs, T.eventSourceMapping);
        if (want && mappings.length === 0) report(`The order pipeline's consumers run in ${who(ctx)}, but no event source mapping reads its queues.`);
        for (const m of mappings) {
            const enabled = mappingEnabled(m);
            if (enabled === UNKNOWN || enabled === want) continue;
            report(
                `${label(m)} must be ${want ? "enabled" : "disabled (enabled false)"}: consumers ${want ? "run" : "are off"} in ${who(ctx)}.`,
                m.urn,
            );
        }
        if (want)
            for (const f of mappings.map((m) => mappedFunctionOf(m, rs)).filter((f): f is NonNullable<typeof f> => f !== undefined)) {
                const reserved = get(f, "reservedConcurrentExecutions");
                if (num(reserved) === 0)
                    report(
                        `${label(f)} consumes a queue and must have reserved concurrency above 0 (0 throttles it): consumers run in ${who(ctx)}.`,
                        f.urn,
                    );
            }
        for (const rule of ofType(rs, T.eventRule)) {
            const state = ruleStateOf(rule);
            if (state === UNKNOWN) continue;
            if (ruleBusOf(rule, rs)) {
                const on = state !== "DISABLED";
                // The rule that starts sagas on request runs only where the plan lets it (the primary): with replication,
                // every region's bus sees every event.
                const sagaRule = ruleStateMachineTargets(rule, rs).length > 0;
                const ruleWant = sagaRule ? want && plan.fulfilmentRequestsEnabled : want;
                if (on !== ruleWant)
                    report(
                        sagaRule
                            ? `${label(rule)} starts sagas on request and must be ${ruleWant ? "ENABLED" : "DISABLED"} in ${who(ctx)} (only the primary's runs); it is ${state}.`
                            : `${label(rule)} of the order bus must be ${want ? "ENABLED" : "DISABLED"}: consumers ${want ? "run" : "are off"} in ${who(ctx)}; it is ${state}.`,
                        rule.urn,
                    );
            } else if (isSet(get(rule, "scheduleExpression")) && ruleFunctionTargets(rule, rs).some((f) => isPipelineFunction(f))) {
                // The only scheduled function in the pipeline is the reconciler: it runs in one region at a time.
                const on = state !== "DISABLED";
                if (on !== plan.reconcilerEnabled)
                    report(
                        `${label(rule)} schedules the reconciler and must be ${plan.reconcilerEnabled ? "ENABLED" : "DISABLED"} in ${who(ctx)}; it is ${state}.`,
                        rule.urn,
                    );
            }
        }
    },
};

const endpointSchema = factsSchema();

export const orderEventEndpoint: StackPolicy = {
    name: "dr-order-event-endpoint",
    description:
        "Under warm standby and active-active the home stack owns an EventBridge global endpoint over its own order bus and every other region's that exists (as this stack's StackReferences read it); no other stack, and no stack under backup-restore or pilot light, has one.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Let the region composition create the endpoint in the home stack (plan pipeline.globalEndpoint owner) once the other region's stack has deployed its bus (its orderBusArn output). EventBridge needs both buses, so on a first deployment the home stack has no peer yet and passes; its next `pulumi up` after the other stack's creates the endpoint, and this policy then requires it.",
    configSchema: endpointSchema,
    validateStack: (args, report) => {
        const facts = configOf<ProjectFacts>(endpointSchema, args.getConfig());
        const ctx = requireContext(args, facts);
        const rs = args.resources;
        const endpoints = ofType(rs, T.eventEndpoint);
        const mode = ctx.plan.pipeline.globalEndpoint;
        if (mode !== "owner") {
            for (const e of endpoints)
                report(
                    `${label(e)} must not exist in ${who(ctx)}: ${mode === "none" ? `${ctx.strategy} has no global endpoint` : "the home stack owns the global endpoint"}.`,
                    e.urn,
                );
            return;
        }
        const peers = peerOrderBuses(rs).filter((p) => p.region === undefined || p.region !== ctx.region);
        if (peers.length === 0) return; // first deployment: no other region's bus exists yet
        if (endpoints.length === 0) {
            report(
                `The home stack (${who(ctx)}) must own a global endpoint over the order buses: ${peers.map((p) => `${p.region ?? p.stack}'s bus ${p.busArn}`).join(", ")} exist${peers.length === 1 ? "s" : ""}, and events would not fail over to ${peers.length === 1 ? "it" : "them"}.`,
            );
            return;
        }
        const buses = ofType(rs, T.eventBus);
        for (const e of endpoints) {
            const listed = get(e, "eventBuses");
            if (isUnknown(listed)) continue; // bus ARNs pending: decided at the update
            const arns = arr(listed).map((b) => obj(b).eventBusArn);
            if (arns.some(isUnknown)) continue;
            if (!buses.some((b) => dependsOn(e, "eventBuses", b) || arns.includes(get(b, "arn"))))
                report(`${label(e)} must route to this region's order bus; its eventBuses do not name it.`, e.urn);
            const absent = peers.filter((p) => !arns.includes(p.busArn));
            if (absent.length)
                report(
                    `${label(e)} must fail over to ${absent.map((p) => `${p.region ?? p.stack}'s bus ${p.busArn}`).join(", ")}; its eventBuses do not name it.`,
                    e.urn,
                );
        }
    },
};

export const queuesKeepStrandedMessages: StackPolicy = {
    name: "dr-sqs-retention-maximum",
    description:
        "Every SQS queue keeps messages for 14 days (messageRetentionSeconds 1209600, the SQS maximum), so orders stranded in a lost region's queues are still there when it returns and the reconciler or an operator re-drives them.",
    severity: "high",
    enforcementLevel: "mandatory",
    remediationSteps:
        "Set messageRetentionSeconds: 1209600 on every queue (the default is 4 days: a regional outage plus a weekend would delete accepted orders). Dead-letter queues too: a message moved to a DLQ keeps its original enqueue time, so a shorter DLQ retention drops it sooner.",
    validateStack: (args, report) => {
        for (const q of ofType(args.resources, T.sqsQueue)) {
            const seconds = messageRetentionOf(q);
            if (seconds === undefined || seconds === SQS_MAX_RETENTION_SECONDS) continue;
            report(
                `${label(q)} must keep messages for 14 days (messageRetentionSeconds ${SQS_MAX_RETENTION_SECONDS}), so stranded orders outlive a regional outage; it keeps them ${seconds} s${get(q, "messageRetentionSeconds") === undefined ? " (the default)" : ""}.`,
                q.urn,
            );
        }
    },
};
