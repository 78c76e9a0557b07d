/**
 * GuardDuty's protection plans as the project declares them, with no Pulumi import: the config schema may read
 * these without loading the AWS provider (components/threatDetection.ts re-exports them and builds from them).
 *
 * Facts (read 2026-12-06):
 * - Names: the provider's valid values for aws.guardduty.DetectorFeature `name` (@pulumi/aws 7.48.0,
 *   guardduty/detectorFeature.d.ts) are the seven below plus AI_PROTECTION and AI_ANALYST; the GuardDuty API
 *   reference page read (API_DetectorFeatureConfiguration) lists the seven. The project declares the seven it
 *   can reason about; see DECLARED_ELSEWHERE for the other two.
 * - A new detector turns optional protection plans on by itself ("When you don't specify any features, with an
 *   exception to RUNTIME_MONITORING, all the optional features are enabled by default", CreateDetector API
 *   reference), and deleting a DetectorFeature does not disable it (provider docs). So every plan is declared,
 *   ENABLED or DISABLED, and none is left to AWS's default.
 * - Severities run from 1.0 to 10.0: Low 1.0-3.9, Medium 4.0-6.9, High 7.0-8.9, Critical 9.0-10.0 (attack
 *   sequences) (GuardDuty user guide, "Severity levels of GuardDuty findings"). Older copies of the page say
 *   1.0-8.9 with 9.0-10.0 "reserved": a filter written for 8.9 would miss Critical findings.
 */

export type FeatureStatus = "ENABLED" | "DISABLED";
export const FEATURE_STATUSES: readonly FeatureStatus[] = ["ENABLED", "DISABLED"];

/** Every name the installed provider accepts for a detector feature (@pulumi/aws 7.48.0). */
export const DETECTOR_FEATURE_NAMES = [
    "S3_DATA_EVENTS",
    "EKS_AUDIT_LOGS",
    "EBS_MALWARE_PROTECTION",
    "RDS_LOGIN_EVENTS",
    "EKS_RUNTIME_MONITORING",
    "LAMBDA_NETWORK_LOGS",
    "RUNTIME_MONITORING",
    "AI_PROTECTION",
    "AI_ANALYST",
] as const;
export type DetectorFeatureName = (typeof DETECTOR_FEATURE_NAMES)[number];

/**
 * The protection plans this project declares in every region, with their default status and why. A config
 * value may flip a status; it may not leave a plan out (components/threatDetection.ts refuses that).
 */
export const FEATURES = {
    S3_DATA_EVENTS: { default: "ENABLED", why: "S3 data events on the asset, export and log buckets (object reads and deletes by stolen keys)" },
    RDS_LOGIN_EVENTS: { default: "ENABLED", why: "login activity on the Aurora PostgreSQL clusters (brute force, logins from unusual places)" },
    LAMBDA_NETWORK_LOGS: { default: "ENABLED", why: "network activity of the order pipeline's and the scheduled functions" },
    EBS_MALWARE_PROTECTION: { default: "ENABLED", why: "malware scans of the web tier's EC2 volumes when a finding points at an instance" },
    RUNTIME_MONITORING: {
        default: "DISABLED",
        why: "off: on Fargate GuardDuty creates a VPC endpoint and a security group outside Pulumi and adds a sidecar to every new task",
    },
    EKS_AUDIT_LOGS: { default: "DISABLED", why: "off: the project runs no EKS cluster" },
} as const satisfies Readonly<Partial<Record<DetectorFeatureName, { readonly default: FeatureStatus; readonly why: string }>>>;
export type ProjectFeature = keyof typeof FEATURES;
export const PROJECT_FEATURE_NAMES = Object.keys(FEATURES) as ProjectFeature[];

/**
 * Provider-accepted features the project does not declare, and why: both appear in @pulumi/aws 7.48.0 but not on
 * the API reference page read, and their availability per region was not verified, so declaring them could fail
 * an update in a region that lacks them. Left at AWS's default until verified (live observation of a new
 * detector, go-to-k/cdk-real-drift#1493, 2026-07-11: AI_ANALYST created DISABLED; AI_PROTECTION not reported).
 */
export const DECLARED_ELSEWHERE: Readonly<Partial<Record<DetectorFeatureName, string>>> = {
    AI_PROTECTION: "not on the API reference page read; regional availability unverified",
    // The provider's own docs (guardduty/detectorFeature.d.ts): "Only one of two features EKS_RUNTIME_MONITORING or
    // RUNTIME_MONITORING can be added, adding both features will cause an error". RUNTIME_MONITORING is declared (its
    // EKS add-on management off), which covers EKS; there is no EKS cluster.
    EKS_RUNTIME_MONITORING: "superseded by RUNTIME_MONITORING, which is declared; the provider errors when both are added",
    AI_ANALYST: "not on the API reference page read; created DISABLED on a new detector (observed 2026-07)",
};

/** Each feature's declared default, as a features map (the shape components/threatDetection.ts takes). */
export function featureDefaults(): Record<ProjectFeature, FeatureStatus> {
    return Object.fromEntries(PROJECT_FEATURE_NAMES.map((n) => [n, FEATURES[n].default])) as Record<ProjectFeature, FeatureStatus>;
}

/** How often GuardDuty re-publishes an updated finding (the first occurrence is published within about 5 minutes whatever this says). */
export const FINDING_PUBLISHING_FREQUENCIES = ["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] as const;
export type FindingPublishingFrequency = (typeof FINDING_PUBLISHING_FREQUENCIES)[number];

/** The range of a finding's `detail.severity` (GuardDuty user guide, severity levels: Critical reaches 10.0). */
export const GUARDDUTY_SEVERITY_RANGE = { min: 1, max: 10 } as const;

/** How GuardDuty's findings arrive on the default bus (EventBridge events reference, events-ref-guardduty.html). */
export const GUARDDUTY_FINDING_EVENT = { source: "aws.guardduty", detailType: "GuardDuty Finding" } as const;
