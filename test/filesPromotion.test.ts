import { strict as assert } from "assert";
import {
    CreateReplicationConfigurationCommand,
    DeleteReplicationConfigurationCommand,
    DescribeFileSystemsCommand,
    DescribeReplicationConfigurationsCommand,
    EFSClient,
    type ReplicationStatus,
    UpdateFileSystemProtectionCommand,
} from "@aws-sdk/client-efs";
import { type AwsClientStub, mockClient } from "aws-sdk-client-mock";
import * as fc from "fast-check";
import { FakeRun, regionsOfCalls } from "./promotionHarness";
import { type FilesPromotionOptions, isFilesPromotionError, promoteFileSystem, readFileSystemRole, restoreReplication } from "../src/filesPromotion";

/** The original, in the home region, and its replica in the other. */
const HOME = "fs-0123456789abcdef0";
const REPLICA = "fs-0fedcba9876543210";
const HOME_REGION = "us-east-1";
const OTHER_REGION = "us-west-2";

function notFound() {
    return Object.assign(new Error("No replication configuration found"), { name: "ReplicationNotFound" });
}

/** HOME → REPLICA, as either region describes it. */
function replication(status: ReplicationStatus, from = HOME, to = REPLICA, toRegion = OTHER_REGION) {
    return {
        Replications: [
            {
                SourceFileSystemId: from,
                SourceFileSystemRegion: from === HOME ? HOME_REGION : OTHER_REGION,
                SourceFileSystemArn: `arn:aws:elasticfilesystem:${from === HOME ? HOME_REGION : OTHER_REGION}:123456789012:file-system/${from}`,
                OriginalSourceFileSystemArn: `arn:aws:elasticfilesystem:${HOME_REGION}:123456789012:file-system/${HOME}`,
                CreationTime: new Date(0),
                Destinations: [
                    { FileSystemId: to, Region: toRegion, Status: status, ...(status === "ERROR" ? { StatusMessage: "KMS key disabled" } : {}) },
                ],
            },
        ],
    };
}

function protection(fs: string, value: "ENABLED" | "DISABLED" | "REPLICATING") {
    return { FileSystems: [{ FileSystemId: fs, FileSystemProtection: { ReplicationOverwriteProtection: value } }] } as never;
}

let efs: AwsClientStub<EFSClient>;

const run = new FakeRun();

function opts(extra: Partial<FilesPromotionOptions> = {}): FilesPromotionOptions {
    return run.options((region: string) => new EFSClient({ region }), extra);
}

const regionsOf = () => regionsOfCalls(efs);

async function refuses(p: Promise<unknown>, code: string, pattern: RegExp): Promise<void> {
    await assert.rejects(p, (e: unknown) => {
        assert.ok(isFilesPromotionError(e), `expected a FilesPromotionError, got ${String(e)}`);
        assert.equal((e as { code: string }).code, code);
        assert.match((e as Error).message, pattern);
        return true;
    });
}

const planned = { fileSystemId: REPLICA, targetRegion: OTHER_REGION, mode: "switchover" } as const;
const unplanned = { ...planned, mode: "failover" } as const;

describe("file-system promotion: the EFS replica made writable, against a mocked EFS", () => {
    before(() => {
        efs = mockClient(EFSClient);
    });
    after(() => efs.restore());
    beforeEach(() => {
        efs.reset();
        run.reset();
    });

    it("planned: deletes the configuration (both sides) from the replica's region, then waits until it is writable", async () => {
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA })
            .resolvesOnce(replication("ENABLED"))
            .resolvesOnce(replication("DELETING"))
            .rejects(notFound());
        efs.on(DescribeFileSystemsCommand, { FileSystemId: REPLICA })
            .resolvesOnce(protection(REPLICA, "REPLICATING"))
            .resolvesOnce(protection(REPLICA, "REPLICATING"))
            .resolvesOnce(protection(REPLICA, "REPLICATING"))
            .resolves(protection(REPLICA, "ENABLED"));
        efs.on(DeleteReplicationConfigurationCommand).resolves({});
        const r = await promoteFileSystem(planned, opts());
        assert.deepEqual(r, {
            outcome: "promoted",
            fileSystemId: REPLICA,
            previousSourceFileSystemId: HOME,
            previousSourceRegion: HOME_REGION,
            deletionMode: "ALL_CONFIGURATIONS",
        });
        const calls = efs.commandCalls(DeleteReplicationConfigurationCommand);
        assert.equal(calls.length, 1);
        assert.deepEqual(calls[0].args[0].input, { SourceFileSystemId: HOME, DeletionMode: "ALL_CONFIGURATIONS" });
        assert.deepEqual(
            run.lines.filter((l) => l.startsWith("waiting:")),
            [`waiting: destination of ${HOME} (${HOME_REGION}), DELETING`, "waiting: standalone, protection REPLICATING"],
            "the configuration gone is not enough: the protection must leave REPLICATING",
        );
        assert.deepEqual(run.regionsCalled, [OTHER_REGION]);
        assert.deepEqual(await regionsOf(), [OTHER_REGION]);
    });

    it("unplanned: only the replica's region; when both sides cannot be deleted, this side's only", async () => {
        efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("ERROR")).rejects(notFound());
        efs.on(DescribeFileSystemsCommand).resolvesOnce(protection(REPLICA, "REPLICATING")).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DeleteReplicationConfigurationCommand, { DeletionMode: "ALL_CONFIGURATIONS" }).rejects(
            Object.assign(new Error("Unable to reach the source Region"), { name: "InternalServerError" }),
        );
        efs.on(DeleteReplicationConfigurationCommand, { DeletionMode: "LOCAL_CONFIGURATION_ONLY" }).resolves({});
        const r = await promoteFileSystem(
            { ...unplanned, fileSystemId: `arn:aws:elasticfilesystem:${OTHER_REGION}:123456789012:file-system/${REPLICA}` },
            opts(),
        );
        assert.equal(r.outcome, "promoted");
        assert.equal(r.fileSystemId, REPLICA);
        assert.equal(r.deletionMode, "LOCAL_CONFIGURATION_ONLY");
        assert.deepEqual(
            efs.commandCalls(DeleteReplicationConfigurationCommand).map((c) => c.args[0].input.DeletionMode),
            ["ALL_CONFIGURATIONS", "LOCAL_CONFIGURATION_ONLY"],
        );
        assert.ok(run.lines.some((l) => l.includes("deleting both sides failed (InternalServerError: Unable to reach the source Region)")));
        assert.deepEqual(await regionsOf(), [OTHER_REGION]);
    });

    it("already done: standalone and writable, or already the source: nothing is deleted", async () => {
        efs.on(DescribeReplicationConfigurationsCommand).rejects(notFound());
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "ENABLED"));
        assert.equal((await promoteFileSystem(planned, opts())).outcome, "already-writable");
        efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ENABLED", REPLICA, HOME, HOME_REGION));
        assert.equal((await promoteFileSystem(unplanned, opts())).outcome, "already-source");
        assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
    });

    it("a file system left ready to receive a replication that never came (protection DISABLED, read-only) gets its protection back on", async () => {
        efs.on(DescribeReplicationConfigurationsCommand).rejects(notFound());
        efs.on(DescribeFileSystemsCommand).resolvesOnce(protection(REPLICA, "DISABLED")).resolves(protection(REPLICA, "ENABLED"));
        efs.on(UpdateFileSystemProtectionCommand).resolves({ ReplicationOverwriteProtection: "ENABLED" });
        const r = await promoteFileSystem(planned, opts());
        assert.equal(r.outcome, "protection-enabled");
        assert.deepEqual(
            efs.commandCalls(UpdateFileSystemProtectionCommand).map((c) => c.args[0].input),
            [{ FileSystemId: REPLICA, ReplicationOverwriteProtection: "ENABLED" }],
        );
        assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
    });

    it("a deletion in progress is awaited, not started again", async () => {
        efs.on(DescribeReplicationConfigurationsCommand)
            .resolvesOnce(replication("DELETING"))
            .resolvesOnce(replication("DELETING"))
            .rejects(notFound());
        efs.on(DescribeFileSystemsCommand)
            .resolvesOnce(protection(REPLICA, "REPLICATING"))
            .resolvesOnce(protection(REPLICA, "REPLICATING"))
            .resolves(protection(REPLICA, "ENABLED"));
        const r = await promoteFileSystem(planned, opts());
        assert.equal(r.outcome, "awaited-in-progress");
        assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
    });

    it("refuses a planned switchover of a replication that is not ENABLED, quoting its status message", async () => {
        efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ERROR"));
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "REPLICATING"));
        await refuses(
            promoteFileSystem(planned, opts()),
            "not-available",
            new RegExp(
                `^the replication from ${HOME} \\(${HOME_REGION}\\) into ${REPLICA} is ERROR \\(KMS key disabled\\); a planned switchover needs it ENABLED`,
            ),
        );
        assert.equal(efs.commandCalls(DeleteReplicationConfigurationCommand).length, 0);
    });

    it("refuses bad input and a file-system ARN of another region before calling anything", async () => {
        await refuses(
            promoteFileSystem({ ...planned, fileSystemId: `arn:aws:elasticfilesystem:${HOME_REGION}:123456789012:file-system/${REPLICA}` }, opts()),
            "invalid-request",
            new RegExp(`^fileSystemId: .* is in ${HOME_REGION}, not ${OTHER_REGION}; pass the region the file system is in$`),
        );
        await refuses(
            promoteFileSystem({ ...planned, fileSystemId: "securecart-files" }, opts()),
            "invalid-request",
            /^fileSystemId: got "securecart-files"; expected a file system id/,
        );
        await refuses(promoteFileSystem({ ...planned, targetRegion: "" }, opts()), "invalid-request", /^targetRegion: got ""/);
        await refuses(promoteFileSystem({ ...planned, mode: "sideways" as never }, opts()), "invalid-request", /^mode: got "sideways"/);
        assert.equal(efs.calls().length, 0);
    });

    it("quotes the AWS error: an unknown file system is not-found, a failed deletion an api-error", async () => {
        efs.on(DescribeReplicationConfigurationsCommand).rejectsOnce(
            Object.assign(new Error(`File system '${REPLICA}' does not exist.`), { name: "FileSystemNotFound" }),
        );
        await refuses(
            promoteFileSystem(planned, opts()),
            "not-found",
            new RegExp(`^file system ${REPLICA} was not found \\(FileSystemNotFound: File system '${REPLICA}' does not exist\\.\\)`),
        );
        efs.on(DescribeReplicationConfigurationsCommand).resolves(replication("ENABLED"));
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "REPLICATING"));
        efs.on(DeleteReplicationConfigurationCommand).rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
        await refuses(
            promoteFileSystem(planned, opts()),
            "api-error",
            new RegExp(
                `^DeleteReplicationConfiguration\\(${HOME} → ${REPLICA}, ALL_CONFIGURATIONS\\) failed: AccessDeniedException: User is not authorized$`,
            ),
        );
        await refuses(
            promoteFileSystem(unplanned, opts()),
            "api-error",
            /with ALL_CONFIGURATIONS \(AccessDeniedException: User is not authorized\) and then LOCAL_CONFIGURATION_ONLY failed: AccessDeniedException/,
        );
    });

    it("times out (bounded) when the replica never becomes writable, naming the last state seen", async () => {
        efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("ENABLED")).resolves(replication("DELETING"));
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "REPLICATING"));
        efs.on(DeleteReplicationConfigurationCommand).resolves({});
        await refuses(
            promoteFileSystem(unplanned, opts()),
            "timeout",
            new RegExp(
                `^timed out after 10 s waiting for file system ${REPLICA} to become writable \\(last seen: destination of ${HOME} \\(${HOME_REGION}\\), DELETING\\); .*LOCAL_CONFIGURATION_ONLY$`,
            ),
        );
        assert.equal(run.slept, 10);
    });

    it("property: any run of intermediate states ending writable returns, one log line per change", async () => {
        const state = fc.constantFrom("ENABLED", "DELETING", "gone-replicating");
        await fc.assert(
            fc.asyncProperty(fc.array(state, { maxLength: 12 }), async (states) => {
                efs.reset();
                run.lines = [];
                run.clock = 0;
                let configs = efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("ENABLED"));
                let prot = efs.on(DescribeFileSystemsCommand).resolvesOnce(protection(REPLICA, "REPLICATING"));
                for (const s of states) {
                    configs = s === "gone-replicating" ? configs.rejectsOnce(notFound()) : configs.resolvesOnce(replication(s as ReplicationStatus));
                    prot = prot.resolvesOnce(protection(REPLICA, "REPLICATING"));
                }
                configs.rejects(notFound());
                prot.resolves(protection(REPLICA, "ENABLED"));
                efs.on(DeleteReplicationConfigurationCommand).resolves({});
                const r = await promoteFileSystem(planned, opts({ timeoutMs: 1_000_000 }));
                assert.equal(r.outcome, "promoted");
                const changes = states.filter((s, i) => i === 0 || s !== states[i - 1]).length;
                assert.equal(run.lines.filter((l) => l.startsWith("waiting:")).length, changes);
            }),
            { numRuns: 60 },
        );
    });

    it("readFileSystemRole: source, destination or standalone with its protection", async () => {
        const client = new EFSClient({ region: OTHER_REGION });
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "REPLICATING"));
        efs.on(DescribeReplicationConfigurationsCommand).resolvesOnce(replication("ENABLED")).rejects(notFound());
        assert.deepEqual(await readFileSystemRole(client, REPLICA), {
            role: "destination",
            protection: "REPLICATING",
            sourceFileSystemId: HOME,
            sourceRegion: HOME_REGION,
            status: "ENABLED",
        });
        assert.deepEqual(await readFileSystemRole(client, REPLICA), { role: "standalone", protection: "REPLICATING" });
    });
});

describe("file-system failback: replicating the promoted replica back into the original", () => {
    const back = { sourceFileSystemId: REPLICA, sourceRegion: OTHER_REGION, destinationFileSystemId: HOME, destinationRegion: HOME_REGION };

    before(() => {
        efs = mockClient(EFSClient);
    });
    after(() => efs.restore());
    beforeEach(() => {
        efs.reset();
        run.reset();
    });

    it("disables the original's overwrite protection, creates REPLICA → HOME, and waits until ENABLED", async () => {
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA })
            .rejectsOnce(notFound())
            .resolvesOnce(replication("ENABLING", REPLICA, HOME, HOME_REGION))
            .resolves(replication("ENABLED", REPLICA, HOME, HOME_REGION));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: HOME }).rejects(notFound());
        efs.on(DescribeFileSystemsCommand, { FileSystemId: REPLICA }).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DescribeFileSystemsCommand, { FileSystemId: HOME }).resolves(protection(HOME, "ENABLED"));
        efs.on(UpdateFileSystemProtectionCommand).resolves({ ReplicationOverwriteProtection: "DISABLED" });
        efs.on(CreateReplicationConfigurationCommand).resolves({});
        const r = await restoreReplication(back, opts());
        assert.deepEqual(r, { outcome: "replication-created", protectionDisabled: true });
        assert.deepEqual(efs.commandCalls(UpdateFileSystemProtectionCommand)[0].args[0].input, {
            FileSystemId: HOME,
            ReplicationOverwriteProtection: "DISABLED",
        });
        assert.deepEqual(efs.commandCalls(CreateReplicationConfigurationCommand)[0].args[0].input, {
            SourceFileSystemId: REPLICA,
            Destinations: [{ FileSystemId: HOME, Region: HOME_REGION }],
        });
        assert.equal(await (efs.commandCalls(UpdateFileSystemProtectionCommand)[0].thisValue as EFSClient).config.region(), HOME_REGION);
        assert.equal(await (efs.commandCalls(CreateReplicationConfigurationCommand)[0].thisValue as EFSClient).config.region(), OTHER_REGION);
        assert.deepEqual(
            run.lines.filter((l) => l.startsWith("waiting:")),
            [`waiting: replication into ${HOME}: ENABLING`],
        );
    });

    it("protection already DISABLED: not changed again", async () => {
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA })
            .rejectsOnce(notFound())
            .resolves(replication("ENABLED", REPLICA, HOME, HOME_REGION));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: HOME }).rejects(notFound());
        efs.on(DescribeFileSystemsCommand, { FileSystemId: REPLICA }).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DescribeFileSystemsCommand, { FileSystemId: HOME }).resolves(protection(HOME, "DISABLED"));
        efs.on(CreateReplicationConfigurationCommand).resolves({});
        assert.deepEqual(await restoreReplication(back, opts()), { outcome: "replication-created", protectionDisabled: false });
        assert.equal(efs.commandCalls(UpdateFileSystemProtectionCommand).length, 0);
    });

    it("an equivalent replication is left alone when ENABLED, awaited when ENABLING (the original reads REPLICATING, as it should)", async () => {
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA }).resolves(replication("ENABLED", REPLICA, HOME, HOME_REGION));
        assert.deepEqual(await restoreReplication(back, opts()), { outcome: "already-replicating", protectionDisabled: false });
        efs.reset();
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA })
            .resolvesOnce(replication("ENABLING", REPLICA, HOME, HOME_REGION))
            .resolves(replication("ENABLED", REPLICA, HOME, HOME_REGION));
        assert.deepEqual(await restoreReplication(back, opts()), { outcome: "awaited-in-progress", protectionDisabled: false });
        assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 0);
        assert.equal(efs.commandCalls(UpdateFileSystemProtectionCommand).length, 0, "a REPLICATING protection is never set back to DISABLED");
    });

    it("refuses a source that is still a replica, and an original still in a replication (the side a local-only deletion left)", async () => {
        efs.on(DescribeFileSystemsCommand).resolves(protection(REPLICA, "REPLICATING"));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA }).resolves(replication("ENABLED"));
        await refuses(
            restoreReplication(back, opts()),
            "not-available",
            new RegExp(
                `^${REPLICA} is itself the destination of a replication from ${HOME} \\(${HOME_REGION}\\), so it is read-only; promote it first$`,
            ),
        );
        efs.reset();
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA }).rejects(notFound());
        efs.on(DescribeFileSystemsCommand, { FileSystemId: REPLICA }).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DescribeFileSystemsCommand, { FileSystemId: HOME }).resolves(protection(HOME, "ENABLED"));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: HOME }).resolves(replication("ERROR"));
        await refuses(
            restoreReplication(back, opts()),
            "not-available",
            new RegExp(`^${HOME} is in a replication \\(source, protection ENABLED\\); .*delete that configuration first`),
        );
        assert.equal(efs.commandCalls(CreateReplicationConfigurationCommand).length, 0);
    });

    it("stops on a replication in ERROR, quoting the create's AWS error when it fails", async () => {
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: HOME }).rejects(notFound());
        efs.on(DescribeFileSystemsCommand, { FileSystemId: REPLICA }).resolves(protection(REPLICA, "ENABLED"));
        efs.on(DescribeFileSystemsCommand, { FileSystemId: HOME }).resolves(protection(HOME, "DISABLED"));
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA })
            .rejectsOnce(notFound())
            .resolves(replication("ERROR", REPLICA, HOME, HOME_REGION));
        efs.on(CreateReplicationConfigurationCommand).resolves({});
        await refuses(restoreReplication(back, opts()), "not-available", /is in ERROR; check the EFS console, delete it, then run again$/);
        efs.on(DescribeReplicationConfigurationsCommand, { FileSystemId: REPLICA }).rejects(notFound());
        efs.on(CreateReplicationConfigurationCommand).rejects(
            Object.assign(new Error("ReplicationOverwriteProtection must be DISABLED"), { name: "ReplicationAlreadyExists" }),
        );
        await refuses(
            restoreReplication(back, opts()),
            "api-error",
            new RegExp(
                `^CreateReplicationConfiguration\\(${REPLICA} → ${HOME} in ${HOME_REGION}\\) failed: ReplicationAlreadyExists: ReplicationOverwriteProtection must be DISABLED$`,
            ),
        );
    });
});
