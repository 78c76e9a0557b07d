/**
 * The benchmark's floor: plain node (the compiled copy, no TypeScript at run time) loading the SDKs the
 * program loads (@pulumi/pulumi, @pulumi/aws, @pulumi/random) and registering, under the same mock runtime,
 * as many bare custom resources per stack as the real plan registers, one stack after the other. No config,
 * no component logic, no policies, no estimates: what any offline plan of this size must pay.
 *
 * Usage: benchFloor.js N1 [N2 ...], one count per stack.
 */
import * as pulumi from "@pulumi/pulumi";
import "@pulumi/aws";
import "@pulumi/random";

/** A custom resource with no provider logic at all. */
class Bare extends pulumi.CustomResource {
    constructor(name: string, index: number) {
        super("bench:index:Bare", name, { index });
    }
}

async function floor(counts: readonly number[]): Promise<void> {
    for (const [s, n] of counts.entries()) {
        await pulumi.runtime.setMocks(
            {
                newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
                call: () => ({}),
            },
            "securecart",
            `stack${s}`,
            false,
        );
        await pulumi.runtime.runInPulumiStack(async () => {
            for (let i = 0; i < n; i++) new Bare(`bare-${i}`, i);
            return {};
        });
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
    }
}

const counts = process.argv.slice(2).map(Number);
if (counts.length === 0 || counts.some((n) => !Number.isInteger(n) || n < 0)) {
    process.stderr.write("usage: benchFloor.js N1 [N2 ...] (resources per stack)\n");
    process.exitCode = 2;
} else {
    floor(counts).then(
        () => process.stdout.write("ok\n"),
        (e) => {
            process.stderr.write(`${e}\n`);
            process.exitCode = 1;
        },
    );
}
