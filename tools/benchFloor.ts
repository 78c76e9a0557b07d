/**
 * The benchmark's floor: the same runtime (node + ts-node + @pulumi/pulumi mocks) registering N bare custom
 * resources under one stack, with no AWS SDK, no config parsing and no component logic.
 */
import * as pulumi from "@pulumi/pulumi";

/** A custom resource with no provider logic at all. */
class Bare extends pulumi.CustomResource {
    constructor(name: string, index: number) {
        super("bench:index:Bare", name, { index });
    }
}

async function floor(n: number): Promise<void> {
    await pulumi.runtime.setMocks(
        {
            newResource: (a) => ({ id: `${a.name}-id`, state: a.inputs }),
            call: () => ({}),
        },
        "securecart",
        "bench",
        false,
    );
    await pulumi.runtime.runInPulumiStack(async () => {
        for (let i = 0; i < n; i++) new Bare(`bare-${i}`, i);
        return {};
    });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    await require("@pulumi/pulumi/runtime/settings").waitForRPCs();
}

floor(Number(process.argv[2] ?? "100")).then(
    () => process.stdout.write("ok\n"),
    (e) => {
        process.stderr.write(`${e}\n`);
        process.exitCode = 1;
    },
);
