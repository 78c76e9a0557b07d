import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmActionArgs } from "./dns";
import { archiveOf, HANDLER, LAMBDA_RUNTIME, type BundleDir } from "../src/functionBundles";

export interface ScheduledFunctionArgs {
    /** The function's name, also its role's, its schedule's and (by Lambda's convention) its log group's. Required. */
    readonly functionName: string;
    /** What the schedule is for, on the rule. Required. */
    readonly description: string;
    /** An EventBridge schedule expression, e.g. `rate(1 day)`. Required. */
    readonly scheduleExpression: string;
    /** The deployment package. Required. */
    readonly bundle: BundleDir;
    /** Its log group, created outside (it outlives the function). Required. */
    readonly logGroup: { readonly name: pulumi.Input<string>; readonly arn: pulumi.Input<string> };
    /** IAM statements beyond its logs, traces and dead-letter queue. Default none. */
    readonly statements?: readonly Record<string, unknown>[];
    /** Environment variables. Default none. */
    readonly environment?: Readonly<Record<string, pulumi.Input<string>>>;
    /** The region's queue for failed asynchronous invocations, and the data key it is encrypted under. Required. */
    readonly failureQueueArn: pulumi.Input<string>;
    readonly dataKeyArn: pulumi.Input<string>;
    /** MiB. Default 128. */
    readonly memorySize?: number;
    /** Seconds. Default 30. */
    readonly timeoutSeconds?: number;
    /** The Errors alarm's description: what a failure means and where to look. Required. */
    readonly alarmDescription: string;
    /** Where its errors alarm notifies (components/tierAlarms.ts alarmActions). */
    readonly alarmActions: AlarmActionArgs;
    readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A function EventBridge runs on a schedule, as the project's baseline wants every function: its own role (its log
 * group, X-Ray, its dead-letter queue under the data key, and the given statements), reserved concurrency 1 (one
 * run at a time), active tracing, JSON logs into the given group, failed invocations dead-lettered; the schedule may
 * invoke it and nothing else may; and an alarm on its Errors, so a failed run is seen.
 */
export class ScheduledFunction extends pulumi.ComponentResource {
    public readonly functionName: pulumi.Output<string>;
    public readonly functionArn: pulumi.Output<string>;

    constructor(name: string, args: ScheduledFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
        super("securecart:functions:ScheduledFunction", name, {}, opts);
        const p = { parent: this };
        const tags = (n: string) => ({ ...(args.tags ?? {}), Name: n });
        const role = new aws.iam.Role(
            `${name}-role`,
            {
                name: args.functionName,
                assumeRolePolicy: JSON.stringify({
                    Version: "2012-10-17",
                    Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
                }),
                tags: tags(args.functionName),
            },
            p,
        );
        const policy = new aws.iam.RolePolicy(
            `${name}-policy`,
            {
                role: role.name,
                policy: pulumi.jsonStringify({
                    Version: "2012-10-17",
                    Statement: [
                        {
                            Effect: "Allow",
                            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
                            Resource: pulumi.interpolate`${args.logGroup.arn}:*`,
                        },
                        // X-Ray's PutTraceSegments supports no resource-level permissions.
                        { Effect: "Allow", Action: ["xray:PutTraceSegments", "xray:PutTelemetryRecords"], Resource: "*" },
                        { Effect: "Allow", Action: "sqs:SendMessage", Resource: args.failureQueueArn },
                        { Effect: "Allow", Action: ["kms:Decrypt", "kms:GenerateDataKey"], Resource: args.dataKeyArn },
                        ...(args.statements ?? []),
                    ],
                }),
            },
            p,
        );
        const fn = new aws.lambda.Function(
            `${name}-fn`,
            {
                name: args.functionName,
                role: role.arn,
                runtime: LAMBDA_RUNTIME,
                handler: HANDLER,
                code: archiveOf(args.bundle),
                memorySize: args.memorySize ?? 128,
                timeout: args.timeoutSeconds ?? 30,
                tracingConfig: { mode: "Active" },
                reservedConcurrentExecutions: 1,
                deadLetterConfig: { targetArn: args.failureQueueArn },
                loggingConfig: { logFormat: "JSON", logGroup: args.logGroup.name, applicationLogLevel: "INFO", systemLogLevel: "WARN" },
                environment: { variables: { ...(args.environment ?? {}), NODE_OPTIONS: "--enable-source-maps" } },
                tags: tags(args.functionName),
            },
            // The role's policy is in place before the first run.
            { parent: this, dependsOn: [policy] },
        );
        const rule = new aws.cloudwatch.EventRule(
            `${name}-schedule`,
            { name: args.functionName, description: args.description, scheduleExpression: args.scheduleExpression, tags: tags(`${name}-schedule`) },
            p,
        );
        new aws.lambda.Permission(
            `${name}-invoke`,
            { action: "lambda:InvokeFunction", function: fn.name, principal: "events.amazonaws.com", sourceArn: rule.arn },
            p,
        );
        new aws.cloudwatch.EventTarget(`${name}-target`, { rule: rule.name, arn: fn.arn }, p);
        new aws.cloudwatch.MetricAlarm(
            `${name}-alarm`,
            {
                alarmDescription: args.alarmDescription,
                namespace: "AWS/Lambda",
                metricName: "Errors",
                dimensions: { FunctionName: fn.name },
                statistic: "Sum",
                period: 3600,
                evaluationPeriods: 1,
                comparisonOperator: "GreaterThanOrEqualToThreshold",
                threshold: 1,
                treatMissingData: "notBreaching",
                ...args.alarmActions,
                tags: tags(`${name}-alarm`),
            },
            p,
        );
        this.functionName = fn.name;
        this.functionArn = fn.arn;
        this.registerOutputs({ functionName: this.functionName, functionArn: this.functionArn });
    }
}
