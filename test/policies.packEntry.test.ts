/**
 * policies/index.ts, the file `pulumi preview --policy-pack policies` runs: it constructs one PolicyPack holding every
 * policy of the pack at the pack's default level. Constructing a real PolicyPack starts the analyzer's gRPC server
 * (policy.js `serve`), so the SDK's class is replaced by a recorder here; policies.pack.test.ts loads the real pack
 * in a child process (outside the mutation run).
 */
import type { PolicyPackArgs } from "@pulumi/policy";

const constructed: [string, PolicyPackArgs][] = [];

jest.mock("@pulumi/policy", () => ({
    ...jest.requireActual<object>("@pulumi/policy"),
    PolicyPack: class {
        constructor(name: string, args: PolicyPackArgs) {
            constructed.push([name, args]);
        }
    },
}));

test("index.ts serves one pack, eks-platform, mandatory by default, with every policy of all.ts", () => {
    jest.isolateModules(() => {
        require("../policies/index");
    });
    const { allPolicies } = require("../policies/all") as typeof import("../policies/all");
    expect(constructed.map(([name, args]) => [name, args.enforcementLevel, args.policies.length])).toEqual([["eks-platform", "mandatory", allPolicies.length]]);
    const served = constructed[0][1].policies.map((p) => p.name);
    expect(served).toEqual(allPolicies.map((p) => p.name));
    // Names are the keys of policies/config/<stack>.json: each one once.
    expect(new Set(served).size).toBe(served.length);
});
