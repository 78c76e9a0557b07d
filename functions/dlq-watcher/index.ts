import { PublishCommand, SNSClient } from "@aws-sdk/client-sns";
import {
    GetQueueAttributesCommand,
    GetQueueUrlCommand,
    ListMessageMoveTasksCommand,
    ReceiveMessageCommand,
    SQSClient,
    StartMessageMoveTaskCommand,
} from "@aws-sdk/client-sqs";
import { requireEnv, type Env } from "../shared/config";
import { consoleLogger, type Logger } from "../shared/log";

/**
 * Watches the dead-letter queues. A CloudWatch alarm on a DLQ's ApproximateNumberOfMessagesVisible (> 0) goes
 * to this function as an EventBridge "CloudWatch Alarm State Change" event (default bus, rule on the DLQ
 * alarms' names), not through an SNS alarm action, because:
 * - the event carries the alarm's metric and its QueueName dimension, so one watcher serves every DLQ;
 * - an alarm action on an SNS topic encrypted under the region's customer-managed key needs that key's policy
 *   to let CloudWatch use it, and a topic of its own so the watcher does not receive the summaries it
 *   publishes to the operator topic; EventBridge needs neither;
 * - EventBridge retries the invocation and can dead-letter it like any other target.
 *
 * On ALARM it reads the DLQ's depth and looks at its oldest messages without removing them, and publishes an
 * operator summary to the operator topic, with the re-drive command. It never moves or deletes a message: a
 * re-drive is an operator's decision, made once the cause of the failures is fixed (see `startRedrive`).
 */

export interface AlarmStateChange {
    readonly source?: string;
    readonly "detail-type"?: string;
    readonly detail?: {
        readonly alarmName?: string;
        readonly state?: { readonly value?: string; readonly reason?: string };
        readonly configuration?: {
            readonly metrics?: readonly {
                readonly metricStat?: { readonly metric?: { readonly namespace?: string; readonly dimensions?: Readonly<Record<string, string>> } };
            }[];
        };
    };
}

export interface DlqMessageSummary {
    readonly messageId: string;
    readonly sentAt?: string;
    readonly receiveCount?: number;
    /** The orderId when the body is an order (or an SNS envelope around one); bodies are not copied, they hold customer data. */
    readonly orderId?: string;
}

export interface DlqSummary {
    readonly alarmName: string;
    readonly queueName: string;
    readonly queueArn: string;
    readonly visible: number;
    readonly inFlight: number;
    readonly oldestSentAt?: string;
    readonly oldestAgeSeconds?: number;
    readonly sample: readonly DlqMessageSummary[];
}

export interface DlqWatcherDeps {
    readonly operatorTopicArn: string;
    readonly sqs: SQSClient;
    readonly sns: SNSClient;
    readonly logger: Logger;
    readonly now: () => number;
}

/** The QueueName dimension of the alarm's SQS metric, or undefined for an alarm that is not on a queue. */
export function queueNameOf(event: AlarmStateChange): string | undefined {
    for (const m of event.detail?.configuration?.metrics ?? []) {
        const metric = m.metricStat?.metric;
        if (metric?.namespace === "AWS/SQS" && metric.dimensions?.QueueName) return metric.dimensions.QueueName;
    }
    return undefined;
}

function orderIdOf(body: string | undefined): string | undefined {
    try {
        let v = JSON.parse(body ?? "") as Record<string, unknown>;
        if (v.Type === "Notification" && typeof v.Message === "string") v = JSON.parse(v.Message) as Record<string, unknown>;
        return typeof v.orderId === "string" ? v.orderId : undefined;
    } catch {
        return undefined;
    }
}

/**
 * Depth and a sample of the oldest messages. The sample is a ReceiveMessage with a visibility timeout of 0:
 * the messages stay visible and in place, only their receive count grows (which a DLQ, having no redrive
 * policy of its own, does not act on). A standard queue does not promise the oldest first, so the age is that
 * of the oldest message seen; the alarm's ApproximateAgeOfOldestMessage metric is the exact figure.
 */
export async function inspectDlq(deps: Pick<DlqWatcherDeps, "sqs" | "now">, queueName: string, alarmName = ""): Promise<DlqSummary> {
    const { QueueUrl } = await deps.sqs.send(new GetQueueUrlCommand({ QueueName: queueName }));
    if (!QueueUrl) throw new Error(`queue ${queueName} not found`);
    const attrs = await deps.sqs.send(
        new GetQueueAttributesCommand({
            QueueUrl,
            AttributeNames: ["QueueArn", "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"],
        }),
    );
    const peek = await deps.sqs.send(
        new ReceiveMessageCommand({
            QueueUrl,
            MaxNumberOfMessages: 10,
            VisibilityTimeout: 0,
            WaitTimeSeconds: 0,
            MessageSystemAttributeNames: ["SentTimestamp", "ApproximateReceiveCount"],
        }),
    );
    const sample: DlqMessageSummary[] = (peek.Messages ?? [])
        .map((m) => {
            const sent = Number(m.Attributes?.SentTimestamp);
            const count = Number(m.Attributes?.ApproximateReceiveCount);
            const orderId = orderIdOf(m.Body);
            return {
                messageId: m.MessageId ?? "?",
                ...(Number.isFinite(sent) ? { sentAt: new Date(sent).toISOString() } : {}),
                ...(Number.isFinite(count) ? { receiveCount: count } : {}),
                ...(orderId !== undefined ? { orderId } : {}),
            };
        })
        .sort((a, b) => (a.sentAt ?? "").localeCompare(b.sentAt ?? ""));
    const oldest = sample.find((s) => s.sentAt !== undefined)?.sentAt;
    return {
        alarmName,
        queueName,
        queueArn: attrs.Attributes?.QueueArn ?? "",
        visible: Number(attrs.Attributes?.ApproximateNumberOfMessages ?? 0),
        inFlight: Number(attrs.Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0),
        ...(oldest !== undefined
            ? { oldestSentAt: oldest, oldestAgeSeconds: Math.max(0, Math.round((deps.now() - Date.parse(oldest)) / 1000)) }
            : {}),
        sample,
    };
}

export function formatSummary(s: DlqSummary): { subject: string; message: string } {
    const lines = [
        `Dead-letter queue ${s.queueName} holds ${s.visible} message(s) (${s.inFlight} in flight).`,
        s.oldestSentAt ? `Oldest seen: sent ${s.oldestSentAt} (${s.oldestAgeSeconds} s ago).` : "No message could be sampled.",
        "",
        "Sample (oldest first):",
        ...s.sample.map(
            (m) => `- ${m.messageId} sent ${m.sentAt ?? "?"}, received ${m.receiveCount ?? "?"} time(s)${m.orderId ? `, order ${m.orderId}` : ""}`,
        ),
        "",
        "Find the cause in the consumer's logs first; messages re-driven before it is fixed come back here.",
        `Re-drive to the source queue: aws sqs start-message-move-task --source-arn ${s.queueArn}`,
        `Progress: aws sqs list-message-move-tasks --source-arn ${s.queueArn}`,
    ];
    // SNS subjects are at most 100 characters.
    return { subject: `DLQ ${s.queueName}: ${s.visible} message(s)`.slice(0, 100), message: lines.join("\n") };
}

export function createHandler(deps: DlqWatcherDeps): (event: AlarmStateChange) => Promise<DlqSummary | undefined> {
    return async (event) => {
        const alarmName = event.detail?.alarmName ?? "";
        if (event.detail?.state?.value !== "ALARM") {
            deps.logger.log("info", "alarm not in ALARM; nothing to report", { alarmName, state: event.detail?.state?.value });
            return undefined;
        }
        const queueName = queueNameOf(event);
        if (queueName === undefined) {
            deps.logger.log("warn", "alarm has no SQS QueueName dimension; not a DLQ alarm", { alarmName });
            return undefined;
        }
        const summary = await inspectDlq(deps, queueName, alarmName);
        const { subject, message } = formatSummary(summary);
        await deps.sns.send(new PublishCommand({ TopicArn: deps.operatorTopicArn, Subject: subject, Message: message }));
        deps.logger.log("info", "DLQ summary published", { alarmName, queueName, visible: summary.visible });
        return summary;
    };
}

/**
 * Re-drive, for the runbook: moves a DLQ's messages back to `sourceArn` (or, without it, to the queues each
 * message came from) with SQS StartMessageMoveTask, at most `maxPerSecond` messages a second when given
 * (SQS's default is its own ramp-up). Returns the task handle, for CancelMessageMoveTask. One move task per
 * DLQ runs at a time; the DLQ's redrive-allow policy must admit the source queue. Run it in the region that
 * holds the DLQ: messages do not leave their region.
 */
export async function startRedrive(sqs: SQSClient, dlqArn: string, sourceArn?: string, maxPerSecond?: number): Promise<string> {
    const out = await sqs.send(
        new StartMessageMoveTaskCommand({
            SourceArn: dlqArn,
            ...(sourceArn !== undefined ? { DestinationArn: sourceArn } : {}),
            ...(maxPerSecond !== undefined ? { MaxNumberOfMessagesPerSecond: maxPerSecond } : {}),
        }),
    );
    if (!out.TaskHandle) throw new Error(`StartMessageMoveTask returned no task handle for ${dlqArn}`);
    return out.TaskHandle;
}

/** The DLQ's most recent move task: its status (RUNNING, COMPLETED, CANCELLED, FAILED) and the messages moved. */
export async function redriveStatus(sqs: SQSClient, dlqArn: string): Promise<{ status?: string; moved?: number; toMove?: number }> {
    const out = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn, MaxResults: 1 }));
    const t = out.Results?.[0];
    return { status: t?.Status, moved: t?.ApproximateNumberOfMessagesMoved, toMove: t?.ApproximateNumberOfMessagesToMove };
}

export function defaultDeps(env: Env = process.env): DlqWatcherDeps {
    return {
        operatorTopicArn: requireEnv(env, "OPERATOR_TOPIC_ARN", "the SNS topic operators subscribe to"),
        sqs: new SQSClient({}),
        sns: new SNSClient({}),
        logger: consoleLogger,
        now: Date.now,
    };
}

let defaultHandler: ((event: AlarmStateChange) => Promise<DlqSummary | undefined>) | undefined;

export const handler = async (event: AlarmStateChange): Promise<DlqSummary | undefined> => (defaultHandler ??= createHandler(defaultDeps()))(event);
