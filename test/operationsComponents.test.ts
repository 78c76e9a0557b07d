/**
 * The operations components planned alone, under a small local Pulumi mock: what each registers, read from the
 * inputs the provider would receive (ThreatDetection: GuardDuty and its findings rule; FaultExperiments: the FIS
 * templates and their role).
 */
import { strict as assert } from "assert";
import * as fc from "fast-check";
import * as pulumi from "@pulumi/pulumi";
import {
    FaultExperiments,
    type FaultExperimentsArgs,
    FIS_ACTION_PERMISSIONS,
    ACTION_TARGETS,
    FIS_LIMITS,
    SELECTION_MODE,
    TEMPLATE_NAMES,
    type FisActionId,
    experimentRoleStatements,
    faultExperimentProblems,
    faultTemplates,
    actionsUsed,
} from "../components/faultExperiments";
import { FINDINGS_RULE_NAME, ThreatDetection } from "../components/threatDetection";
import { FEATURES, PROJECT_FEATURE_NAMES, featureDefaults } from "../src/guardDutyFeatures";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings");

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Inputs = Record<string, any>;
interface Registered {
    readonly type: string;
    readonly name: string;
    readonly inputs: Inputs;
}

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

/** Runs `build` as a program under mocks and returns the custom resources it registered, with their inputs. */
async function planned(build: () => void): Promise<Registered[]> {
    const out: Registered[] = [];
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => {
                if (a.custom) out.push({ type: a.type, name: a.name, inputs: a.inputs });
                return { id: `${a.name}-id`, state: { ...a.inputs, arn: `arn:aws:mock:${REGION}:${ACCOUNT}:${a.name}` } };
            },
            call: (a) => {
                throw new Error(`unexpected invoke ${a.token}`);
            },
        },
        "securecart",
        "unit",
        false,
    );
    await pulumi.runtime.runInPulumiStack(async () => {
        build();
        return {};
    });
    await settings.waitForRPCs();
    return out;
}

const ofType = (rs: readonly Registered[], type: string) => rs.filter((r) => r.type === type);

describe("ThreatDetection: GuardDuty in a region, every plan declared, findings to the alarm topic", () => {
    const topic = `arn:aws:sns:${REGION}:${ACCOUNT}:securecart-alarms`;
    const dlq = `arn:aws:sqs:${REGION}:${ACCOUNT}:securecart-function-failures`;

    it("declares every plan as a DetectorFeature with its status, the runtime plans with their agent settings, and no datasources", async () => {
        for (const runtime of ["ENABLED", "DISABLED"] as const) {
            const features = { ...featureDefaults(), RUNTIME_MONITORING: runtime };
            const rs = await planned(() => new ThreatDetection("gd", { features, alarmTopicArn: topic }));
            const [detector] = ofType(rs, "aws:guardduty/detector:Detector");
            assert.equal(detector.inputs.enable, true);
            assert.equal(detector.inputs.datasources, undefined, "the deprecated block and features cannot be mixed");
            assert.equal(detector.inputs.findingPublishingFrequency, "FIFTEEN_MINUTES");
            const declared = ofType(rs, "aws:guardduty/detectorFeature:DetectorFeature");
            assert.deepEqual(
                Object.fromEntries(declared.map((f) => [f.inputs.name, f.inputs.status])),
                features,
                "exactly the declared plans, each with its status",
            );
            for (const f of declared) assert.equal(f.inputs.detectorId, "gd-detector-id");
            const rm = declared.find((f) => f.inputs.name === "RUNTIME_MONITORING")!;
            const agents = Object.fromEntries((rm.inputs.additionalConfigurations as Inputs[]).map((c) => [c.name, c.status]));
            assert.deepEqual(agents, { ECS_FARGATE_AGENT_MANAGEMENT: runtime, EC2_AGENT_MANAGEMENT: "DISABLED", EKS_ADDON_MANAGEMENT: "DISABLED" });
            assert.equal(
                declared.find((f) => f.inputs.name === "EKS_RUNTIME_MONITORING"),
                undefined,
                "superseded, never declared",
            );
            for (const f of declared.filter((x) => !["RUNTIME_MONITORING", "EKS_RUNTIME_MONITORING"].includes(x.inputs.name)))
                assert.equal(f.inputs.additionalConfigurations, undefined, f.inputs.name);
        }
    });

    it("the project's defaults: the four plans that apply on, runtime monitoring and the EKS plans off", () => {
        assert.deepEqual(featureDefaults(), {
            S3_DATA_EVENTS: "ENABLED",
            RDS_LOGIN_EVENTS: "ENABLED",
            LAMBDA_NETWORK_LOGS: "ENABLED",
            EBS_MALWARE_PROTECTION: "ENABLED",
            RUNTIME_MONITORING: "DISABLED",
            EKS_AUDIT_LOGS: "DISABLED",
        });
        for (const f of PROJECT_FEATURE_NAMES) assert.ok(FEATURES[f].why.length > 0, f);
    });

    it("the rule matches GuardDuty findings at or above the minimum severity and targets the topic, with the dead-letter queue when given", async () => {
        for (const [minimumSeverity, deadLetterQueueArn] of [
            [7, dlq],
            [4, undefined],
        ] as const) {
            const rs = await planned(() => new ThreatDetection("gd", { alarmTopicArn: topic, minimumSeverity, deadLetterQueueArn }));
            const [rule] = ofType(rs, "aws:cloudwatch/eventRule:EventRule");
            assert.equal(rule.inputs.name, FINDINGS_RULE_NAME);
            assert.equal(rule.inputs.eventBusName, undefined, "GuardDuty publishes on the default bus");
            assert.deepEqual(JSON.parse(rule.inputs.eventPattern), {
                source: ["aws.guardduty"],
                "detail-type": ["GuardDuty Finding"],
                detail: { severity: [{ numeric: [">=", minimumSeverity] }] },
            });
            const [target] = ofType(rs, "aws:cloudwatch/eventTarget:EventTarget");
            assert.equal(target.inputs.rule, FINDINGS_RULE_NAME);
            assert.equal(target.inputs.arn, topic);
            assert.deepEqual(target.inputs.deadLetterConfig, deadLetterQueueArn ? { arn: deadLetterQueueArn } : undefined);
            const t = target.inputs.inputTransformer;
            for (const v of t.inputTemplate.match(/<([a-z]+)>/g)!.map((m: string) => m.slice(1, -1)))
                assert.ok(t.inputPaths[v], `template variable ${v} has a path`);
            // No queue policy here: an SQS queue has one policy, and the queue is another component's.
            assert.deepEqual(ofType(rs, "aws:sqs/queuePolicy:QueuePolicy"), []);
        }
    });

    it("refuses a plan left out, both runtime plans on, an unknown plan, and a severity outside 1-10", async () => {
        const { S3_DATA_EVENTS: _dropped, ...missing } = featureDefaults();
        const bad: [Record<string, string>, number, RegExp][] = [
            [missing, 4, /S3_DATA_EVENTS not declared/],
            [{ ...featureDefaults(), RUNTIME_MONITORING: "ENABLED", EKS_RUNTIME_MONITORING: "ENABLED" }, 4, /cannot both be ENABLED/],
            [{ ...featureDefaults(), MALWARE_PROTECTION: "ENABLED" }, 4, /MALWARE_PROTECTION: not a detector feature/],
            [featureDefaults(), 0.5, /minimumSeverity/],
            [featureDefaults(), 10.5, /minimumSeverity/],
        ];
        for (const [features, minimumSeverity, message] of bad)
            await assert.rejects(
                planned(() => new ThreatDetection("gd", { features: features as Record<string, "ENABLED">, minimumSeverity, alarmTopicArn: topic })),
                message,
            );
        // Critical findings reach 10.0: a threshold of 10 is allowed.
        await planned(() => new ThreatDetection("gd", { minimumSeverity: 10, alarmTopicArn: topic }));
    });
});

/** An experiment that has everything to act on (the home stack's prod shape). */
const everything = (over: Partial<FaultExperimentsArgs> = {}): FaultExperimentsArgs => ({
    region: REGION,
    accountId: ACCOUNT,
    stopConditionAlarmArns: [
        `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:securecart-api-5xx`,
        `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:securecart-alb-5xx`,
    ],
    ecs: {
        clusterName: "prod-svc-cluster",
        clusterArn: `arn:aws:ecs:${REGION}:${ACCOUNT}:cluster/prod-svc-cluster`,
        serviceNames: ["catalog", "checkout"],
    },
    azPower: {
        availabilityZone: `${REGION}b`,
        web: {
            autoScalingGroupArn: `arn:aws:autoscaling:${REGION}:${ACCOUNT}:autoScalingGroup:uuid:autoScalingGroupName/prod-web-asg`,
            instanceTags: { Name: "prod-web-instance" },
            ebsKmsKeyArn: `arn:aws:kms:${REGION}:${ACCOUNT}:key/data`,
        },
        subnetArns: [`arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-app-b`],
        auroraClusterArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:securecart-prod`,
    },
    aurora: { clusterArn: `arn:aws:rds:${REGION}:${ACCOUNT}:cluster:securecart-prod` },
    subnets: { subnetArns: ["a", "b", "c"].map((z) => `arn:aws:ec2:${REGION}:${ACCOUNT}:subnet/subnet-app-${z}`) },
    tags: { app: "securecart" },
    ...over,
});

/** Every IAM action a policy document grants. */
const grantedActions = (policy: string): string[] => {
    const doc = JSON.parse(policy) as { Statement: { Effect: string; Action: string | string[] }[] };
    return doc.Statement.flatMap((s) => {
        assert.equal(s.Effect, "Allow");
        return Array.isArray(s.Action) ? s.Action : [s.Action];
    });
};
const documented = (actions: Iterable<string>) => new Set([...actions].flatMap((a) => [...FIS_ACTION_PERMISSIONS[a as FisActionId]]));
const sorted = (s: Iterable<string>) => [...new Set(s)].sort();

describe("FaultExperiments: region-scoped FIS templates and the one role they run as", () => {
    it("every template stops on each given alarm, has one target per acting action of the action's type, and selection modes the provider accepts", async () => {
        const args = everything();
        const rs = await planned(() => new FaultExperiments("fis", args));
        const templates = ofType(rs, "aws:fis/experimentTemplate:ExperimentTemplate");
        assert.deepEqual(sorted(templates.map((t) => t.inputs.tags.Name)), sorted(Object.values(TEMPLATE_NAMES)));
        for (const t of templates) {
            const n = t.inputs.tags.Name;
            assert.deepEqual(t.inputs.tags, { app: "securecart", Name: n }, "static tags: a change would replace the template");
            assert.ok(t.inputs.stopConditions.length >= 1 && t.inputs.stopConditions.length <= FIS_LIMITS.stopConditionsPerTemplate, n);
            assert.deepEqual(
                t.inputs.stopConditions,
                args.stopConditionAlarmArns.map((value) => ({ source: "aws:cloudwatch:alarm", value })),
                n,
            );
            assert.equal(t.inputs.roleArn, "arn:aws:mock:us-east-1:123456789012:fis-role");
            const targets = new Map<string, Inputs>((t.inputs.targets as Inputs[]).map((x) => [x.name, x]));
            assert.equal(targets.size, t.inputs.targets.length, `${n}: target names are unique`);
            const usedTargets = new Set<string>();
            for (const a of t.inputs.actions as Inputs[]) {
                if (a.actionId === "aws:fis:wait") {
                    assert.equal(a.target, undefined, `${n}: a wait acts on nothing`);
                    continue;
                }
                const expected = ACTION_TARGETS[a.actionId as Exclude<FisActionId, "aws:fis:wait">];
                assert.ok(expected, `${n}: ${a.actionId} is an action the role was written for`);
                assert.equal(a.target.key, expected.key, `${n}/${a.name}`);
                const target = targets.get(a.target.value);
                assert.ok(target, `${n}/${a.name}: its target exists`);
                assert.equal(target.resourceType, expected.resourceType, `${n}/${a.name}`);
                usedTargets.add(a.target.value);
            }
            assert.deepEqual(sorted(usedTargets), sorted(targets.keys()), `${n}: no target without its action`);
            for (const x of targets.values()) {
                assert.match(x.selectionMode, SELECTION_MODE, `${n}/${x.name}`);
                // The provider wants ARNs or tags on every target, and the API refuses both together.
                assert.ok(Boolean(x.resourceArns) !== Boolean(x.resourceTags), `${n}/${x.name}: ARNs or tags, one of them`);
                assert.ok((x.resourceArns ?? []).length <= FIS_LIMITS.resourceArnsPerTarget);
            }
            assert.equal(t.inputs.experimentOptions.accountTargeting, "single-account");
        }
        const byName = (n: string) => templates.find((t) => t.inputs.tags.Name === n)!.inputs;
        // The subnet disruption cuts one app subnet (one AZ) with scope "all" for the duration.
        const cut = byName(TEMPLATE_NAMES.subnetDisruption);
        assert.equal(cut.targets[0].selectionMode, "COUNT(1)");
        assert.deepEqual(cut.actions[0].parameters, [
            { key: "scope", value: "all" },
            { key: "duration", value: "PT10M" },
        ]);
        // The stop-tasks template: the project's tasks by tag, narrowed to the cluster and each service.
        const stop = byName(TEMPLATE_NAMES.stopTasks);
        assert.deepEqual(
            (stop.targets as Inputs[]).map((x) => [x.parameters, x.resourceTags, x.selectionMode]),
            ["catalog", "checkout"].map((s) => [
                { cluster: "prod-svc-cluster", service: s },
                [{ key: "managed-by", value: "pulumi" }],
                "PERCENT(50)",
            ]),
        );
        // The AZ template acts only in its AZ: instances and tasks by filter, Aurora by its writer's AZ, the group's launches there.
        const az = byName(TEMPLATE_NAMES.azPower);
        const zone = `${REGION}b`;
        const targetOf = (name: string) => (az.targets as Inputs[]).find((x) => x.name === name)!;
        assert.deepEqual(targetOf("web-instances").filters[0], { path: "Placement.AvailabilityZone", values: [zone] });
        assert.deepEqual(targetOf("az-tasks").filters, [{ path: "AvailabilityZone", values: [zone] }]);
        assert.deepEqual(targetOf("aurora-writer-in-az").parameters, { writerAvailabilityZoneIdentifiers: zone });
        const ice = (az.actions as Inputs[]).find((a) => a.actionId === "aws:ec2:asg-insufficient-instance-capacity-error")!;
        assert.ok((ice.parameters as Inputs[]).some((p) => p.key === "availabilityZoneIdentifiers" && p.value === zone));
        assert.equal(az.experimentOptions.emptyTargetResolutionMode, "skip", "as the scenario: absent targets are skipped");
        assert.equal(byName(TEMPLATE_NAMES.auroraFailover).experimentOptions.emptyTargetResolutionMode, "fail");
    });

    it("the role: trusted by FIS for this account's experiments in this region, granted exactly the documented permissions of the actions used, no wildcard action", async () => {
        const cases: [string, FaultExperimentsArgs][] = [
            ["everything", everything()],
            ["tasks only", everything({ azPower: undefined, aurora: undefined, subnets: undefined })],
            ["aurora only", everything({ ecs: undefined, azPower: undefined, subnets: undefined })],
            [
                "subnets by tag",
                everything({
                    ecs: undefined,
                    azPower: undefined,
                    aurora: undefined,
                    subnets: { subnetTags: { tier: "private-app" }, vpcId: "vpc-1" },
                }),
            ],
            [
                "AZ web tier only",
                everything({
                    ecs: undefined,
                    aurora: undefined,
                    subnets: undefined,
                    azPower: { availabilityZone: `${REGION}a`, web: everything().azPower!.web },
                }),
            ],
        ];
        for (const [label, args] of cases) {
            const rs = await planned(() => new FaultExperiments("fis", args));
            const [role] = ofType(rs, "aws:iam/role:Role");
            const trust = JSON.parse(role.inputs.assumeRolePolicy).Statement;
            assert.deepEqual(trust, [
                {
                    Effect: "Allow",
                    Principal: { Service: "fis.amazonaws.com" },
                    Action: "sts:AssumeRole",
                    Condition: {
                        StringEquals: { "aws:SourceAccount": ACCOUNT },
                        ArnLike: { "aws:SourceArn": `arn:aws:fis:${REGION}:${ACCOUNT}:experiment/*` },
                    },
                },
            ]);
            const used = ofType(rs, "aws:fis/experimentTemplate:ExperimentTemplate").flatMap((t) =>
                (t.inputs.actions as Inputs[]).map((a) => a.actionId),
            );
            const [policy] = ofType(rs, "aws:iam/rolePolicy:RolePolicy");
            const granted = grantedActions(policy.inputs.policy);
            assert.deepEqual(sorted(granted), sorted(documented(used)), label);
            for (const a of granted) assert.ok(!a.includes("*"), `${label}: ${a}`);
        }
    });

    it("the role carries what AWS's own FIS managed policies grant for each action used (written out here, not read from the component)", async () => {
        // From the AWS managed policy reference (docs.aws.amazon.com/aws-managed-policy/latest/reference/, read
        // 2026-12-06): the statements of AWSFaultInjectionSimulatorECSAccess (v7), ...EC2Access, ...NetworkAccess (v3)
        // and ...RDSAccess (v3) that serve these actions, as far as the text read showed them. A lower bound: the
        // component may need more (its own table says what), never less.
        const MANAGED_MINIMUM: Readonly<Record<string, readonly string[]>> = {
            "aws:ecs:stop-task": ["ecs:DescribeTasks", "ecs:StopTask"],
            "aws:ec2:stop-instances": ["ec2:StartInstances", "ec2:StopInstances", "kms:CreateGrant"],
            "aws:network:disrupt-connectivity": ["ec2:CreateNetworkAcl", "ec2:CreateNetworkAclEntry", "ec2:CreateTags", "ec2:DeleteNetworkAcl"],
            "aws:rds:failover-db-cluster": ["rds:DescribeDBClusters", "rds:FailoverDBCluster", "tag:GetResources"],
        };
        const rs = await planned(() => new FaultExperiments("fis", everything()));
        const used = new Set(
            ofType(rs, "aws:fis/experimentTemplate:ExperimentTemplate").flatMap((t) =>
                (t.inputs.actions as Inputs[]).map((a) => a.actionId as string),
            ),
        );
        const [policy] = ofType(rs, "aws:iam/rolePolicy:RolePolicy");
        const granted = new Set(grantedActions(policy.inputs.policy));
        let checked = 0;
        for (const [action, minimum] of Object.entries(MANAGED_MINIMUM)) {
            assert.ok(used.has(action), `the full set of templates uses ${action}`);
            for (const permission of minimum) {
                assert.ok(granted.has(permission), `${action} needs ${permission} (AWS's managed FIS policy grants it)`);
                checked++;
            }
        }
        assert.equal(checked, 12);
    });

    it("scopes what it can: this cluster's tasks, the web tier's instances by tag, this group's launches, the given clusters and subnets", async () => {
        const args = everything();
        const rs = await planned(() => new FaultExperiments("fis", args));
        const statements = JSON.parse(ofType(rs, "aws:iam/rolePolicy:RolePolicy")[0].inputs.policy).Statement as Inputs[];
        const sid = (s: string) => statements.find((x) => x.Sid === s)!;
        assert.equal(sid("StopClusterTasks").Resource, `arn:aws:ecs:${REGION}:${ACCOUNT}:task/prod-svc-cluster/*`);
        assert.deepEqual(sid("ListClusterTasks").Condition, { ArnEquals: { "ecs:cluster": args.ecs!.clusterArn } });
        assert.deepEqual(sid("StopStartWebInstances").Condition, { StringEquals: { "aws:ResourceTag/Name": "prod-web-instance" } });
        assert.deepEqual(sid("FailWebLaunches").Condition["ForAllValues:ArnLike"], { "ec2:FisTargetArns": [args.azPower!.web!.autoScalingGroupArn] });
        assert.equal(sid("RestartEncryptedVolumes").Resource, args.azPower!.web!.ebsKmsKeyArn);
        assert.deepEqual(sid("FailoverCluster").Resource, [args.aurora!.clusterArn, args.azPower!.auroraClusterArn]);
        assert.deepEqual(
            sorted(sid("SwapSubnetNetworkAcl").Resource),
            sorted([
                ...(args.azPower!.subnetArns as string[]),
                ...(args.subnets as { subnetArns: string[] }).subnetArns,
                `arn:aws:ec2:${REGION}:${ACCOUNT}:network-acl/*`,
            ]),
        );
        // Only calls that take no resource-level scope are granted on "*".
        const star = new Set(statements.filter((s) => s.Resource === "*").flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
        for (const a of star) assert.match(a, /^(ec2:Describe|autoscaling:Describe|tag:GetResources|ecs:ListTasks|ec2:InjectApiError)/, a);
    });

    it("property: for any percent 1-100 and duration 1-60, the stop-tasks template selects PERCENT(n) and watches for PT<n>M", () => {
        fc.assert(
            fc.property(fc.integer({ min: 1, max: 100 }), fc.integer({ min: 1, max: 60 }), (stopTasksPercent, durationMinutes) => {
                const [stop] = faultTemplates(
                    everything({ stopTasksPercent, durationMinutes, azPower: undefined, aurora: undefined, subnets: undefined }),
                );
                assert.equal(stop.name, TEMPLATE_NAMES.stopTasks);
                for (const t of stop.targets) {
                    assert.match(t.selectionMode, SELECTION_MODE);
                    assert.equal(t.selectionMode, `PERCENT(${stopTasksPercent})`);
                }
                const durations = stop.actions.filter((a) => a.parameters?.duration).map((a) => a.parameters!.duration);
                assert.deepEqual(durations, [`PT${durationMinutes}M`]);
                assert.match(durations[0], /^PT[1-9]\d*M$/);
                // aws:ecs:stop-task takes no parameters (actions reference): the duration is the watch's.
                for (const a of stop.actions.filter((x) => x.actionId === "aws:ecs:stop-task")) assert.equal(a.parameters, undefined);
            }),
        );
    });

    it("property: out-of-range percent, duration and stop conditions are refused with the reason", () => {
        fc.assert(
            fc.property(
                fc.oneof(fc.integer({ min: -50, max: 0 }), fc.integer({ min: 101, max: 500 })),
                fc.oneof(fc.integer({ min: -5, max: 0 }), fc.integer({ min: 721, max: 5000 })),
                fc.oneof(fc.constant(0), fc.integer({ min: 6, max: 12 })),
                (stopTasksPercent, durationMinutes, alarms) => {
                    const problems = faultExperimentProblems(
                        everything({
                            stopTasksPercent,
                            durationMinutes,
                            stopConditionAlarmArns: Array.from({ length: alarms }, (_, i) => `arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:a${i}`),
                        }),
                    );
                    assert.ok(problems.some((p) => p.startsWith("stopTasksPercent")));
                    assert.ok(problems.some((p) => p.startsWith("durationMinutes")));
                    assert.ok(problems.some((p) => p.startsWith("stopConditionAlarmArns")));
                },
            ),
        );
        assert.deepEqual(faultExperimentProblems(everything()), []);
    });

    it("property: whichever tiers are given, the role's actions are the documented permissions of the actions the templates use", () => {
        const base = everything();
        fc.assert(
            fc.property(
                fc.record({
                    ecs: fc.boolean(),
                    aurora: fc.boolean(),
                    subnets: fc.boolean(),
                    web: fc.boolean(),
                    azSubnets: fc.boolean(),
                    azAurora: fc.boolean(),
                }),
                (on) => {
                    const az = {
                        availabilityZone: `${REGION}c`,
                        ...(on.web ? { web: base.azPower!.web } : {}),
                        ...(on.azSubnets ? { subnetArns: base.azPower!.subnetArns } : {}),
                        ...(on.azAurora ? { auroraClusterArn: base.azPower!.auroraClusterArn } : {}),
                    };
                    const args = everything({
                        ecs: on.ecs ? base.ecs : undefined,
                        aurora: on.aurora ? base.aurora : undefined,
                        subnets: on.subnets ? base.subnets : undefined,
                        azPower: on.web || on.azSubnets || on.azAurora || on.ecs ? az : undefined,
                    });
                    if (faultExperimentProblems(args).length) {
                        assert.ok(
                            !on.ecs && !on.aurora && !on.subnets && !on.web && !on.azSubnets && !on.azAurora,
                            "only 'nothing to act on' is refused",
                        );
                        return;
                    }
                    const templates = faultTemplates(args);
                    const statements = experimentRoleStatements(args, templates);
                    const granted = statements.flatMap((s) => (Array.isArray(s.Action) ? (s.Action as string[]) : [s.Action as string]));
                    assert.deepEqual(sorted(granted), sorted(documented(actionsUsed(templates))));
                    for (const t of templates) assert.ok(t.actions.length <= FIS_LIMITS.actionsPerTemplate);
                },
            ),
        );
    });

    it("refuses what FIS or the region could not survive: every app subnet cut, an AZ of another region, more services than parallel actions, nothing to act on", () => {
        const cases: [Partial<FaultExperimentsArgs>, RegExp][] = [
            [
                { subnets: { subnetArns: ["arn:aws:ec2:us-east-1:1:subnet/a", "arn:aws:ec2:us-east-1:1:subnet/b"], count: 2 } },
                /would cut all 2 app subnets/,
            ],
            [{ azPower: { availabilityZone: "us-west-2a", auroraClusterArn: "x" } }, /expected an AZ name of us-east-1/],
            [{ ecs: { clusterName: "c", clusterArn: "a", serviceNames: Array.from({ length: 11 }, (_, i) => `s${i}`) } }, /at most 10/],
            [{ ecs: undefined, azPower: undefined, aurora: undefined, subnets: undefined }, /nothing to act on/],
            [{ ecs: undefined, azPower: { availabilityZone: `${REGION}a` } }, /azPower: nothing to act on/],
        ];
        for (const [over, message] of cases)
            assert.ok(
                faultExperimentProblems(everything(over)).some((p) => message.test(p)),
                String(message),
            );
    });
});
