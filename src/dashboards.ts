/**
 * The CloudWatch dashboards' bodies, built from the same decisions that create the alarms (src/alarms.ts), so a new
 * tier's alarms appear on both dashboards without a line here. Dashboards are global to the account (PutDashboard
 * takes no region; each widget names its own): a region's is `securecart-<region>`, the DR dashboard `securecart-dr`
 * is the home stack's. Dashboard body structure: CloudWatch API reference, "Dashboard Body Structure and Syntax".
 */
import { type AlarmDecl, healthCheckAlarmName, servingAlarmName } from "./alarms";
import type { RegionPlan } from "./strategy";

/** One region as the dashboards show it. */
export interface DashboardRegion {
    readonly region: string;
    readonly stack: string;
    readonly plan: RegionPlan;
    readonly alarms: readonly AlarmDecl[];
}

interface Widget {
    readonly type: "text" | "alarm" | "metric";
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly properties: Record<string, unknown>;
}

const alarmArn = (account: string, region: string, name: string) => `arn:aws:cloudwatch:${region}:${account}:alarm:${name}`;

/** The kinds the DR dashboard graphs side by side: replication lag, backups and capacity against the target. */
const DR_GRAPHED: readonly AlarmDecl["kind"][] = [
    "auroraReplicationLag",
    "dynamoReplicationLatency",
    "cacheReplicationLag",
    "filesSyncAge",
    "backupJobsFailed",
    "asgBelowDesired",
    "servicesBelowDesired",
];

/** What a region is for, in one line: its role and the capacity the strategy gives it. */
export function regionSummary(r: DashboardRegion): string {
    const p = r.plan;
    const services = Object.entries(p.services)
        .map(([n, c]) => `${n} ${c.desired}`)
        .join(", ");
    return [
        `**${r.region}** (stack ${r.stack}): **${p.role}** under ${p.strategy}${p.serves ? ", serving" : ""}`,
        p.computeExists
            ? `capacity target: web ${p.web.desired} (min ${p.web.min}, max ${p.web.max}); tasks: ${services}`
            : "no compute (restored on promotion)",
        `Aurora: ${p.aurora.shape}, ${p.aurora.instances} instance(s); DynamoDB: ${p.dynamo.shape}; cache: ${p.cache.mode}, ${p.cache.size}; files: ${p.files.replicaIn ? "replica (read-only)" : "writable"}`,
    ].join("\n\n");
}

/** Every alarm of a region, the composite and the Route 53 status alarm included, as ARNs. */
function regionAlarmArns(account: string, r: DashboardRegion): string[] {
    return [
        ...(r.plan.operations.alarms.regionServing !== undefined ? [alarmArn(account, r.region, servingAlarmName(r.region))] : []),
        ...(r.plan.computeExists ? [alarmArn(account, "us-east-1", healthCheckAlarmName(r.region))] : []),
        ...r.alarms.map((a) => alarmArn(account, a.region, a.name)),
    ].slice(0, MAX_ALARMS_PER_WIDGET);
}

/** An alarm status widget lists 1 to 100 alarms (CloudWatch API reference, "Dashboard Body Structure and Syntax"). */
const MAX_ALARMS_PER_WIDGET = 100;

/** The alarm status widget, or a line saying there is none (the widget refuses an empty list). */
function alarmStatus(account: string, r: DashboardRegion, title: string, x: number, y: number, width: number): Widget {
    const alarms = regionAlarmArns(account, r);
    return alarms.length
        ? { type: "alarm", x, y, width, height: 6, properties: { title, alarms, sortBy: "stateUpdatedTimestamp" } }
        : { type: "text", x, y, width, height: 6, properties: { markdown: `${title}: none in this role` } };
}

const alarmGraph = (account: string, a: AlarmDecl, x: number, y: number, width = 8): Widget => ({
    type: "metric",
    x,
    y,
    width,
    height: 6,
    properties: {
        title: a.description.replace(/^SecureCart [^:]+: /, ""),
        region: a.region,
        annotations: { alarms: [alarmArn(account, a.region, a.name)] },
        view: "timeSeries",
    },
});

/** A region's own dashboard: what it is, every alarm's state, and each alarm's graph. */
export function regionDashboard(account: string, r: DashboardRegion): { widgets: Widget[] } {
    const widgets: Widget[] = [
        { type: "text", x: 0, y: 0, width: 24, height: 3, properties: { markdown: regionSummary(r) } },
        alarmStatus(account, r, `${r.region}: alarms`, 0, 3, 24),
    ];
    r.alarms.forEach((a, i) => widgets.push(alarmGraph(account, a, (i % 3) * 8, 9 + Math.floor(i / 3) * 6)));
    return { widgets };
}

/**
 * The DR dashboard: the regions side by side (one column each), each with its role and capacity target, its alarms'
 * states (the Route 53 health check's and the "serving" composite's first), and the graphs of its replication lag,
 * backup and capacity alarms.
 */
export function drDashboard(account: string, regions: readonly DashboardRegion[]): { widgets: Widget[] } {
    const width = Math.max(6, Math.floor(24 / Math.max(1, regions.length)));
    const widgets: Widget[] = [];
    regions.forEach((r, col) => {
        const x = col * width;
        widgets.push({ type: "text", x, y: 0, width, height: 4, properties: { markdown: regionSummary(r) } });
        widgets.push(alarmStatus(account, r, `${r.region}: health and alarms`, x, 4, width));
        const graphed = r.alarms.filter((a) => DR_GRAPHED.includes(a.kind));
        graphed.forEach((a, i) => widgets.push(alarmGraph(account, a, x, 10 + i * 6, width)));
    });
    return { widgets };
}
