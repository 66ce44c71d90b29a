/**
 * Every resource belongs to the component that creates it: its parent is that component, never the stack. A child
 * registered without `{ parent: this }` still deploys, but its URN no longer names the component: `pulumi up`
 * would replace it (delete and create) the day someone adds the parent back, a dependency on the component does
 * not wait for it, and `pulumi stack --show-urns` no longer shows what it is part of. Checked on the shipped stacks
 * and on the options that add components (DNS with a certificate, an existing VPC, a cutover from ECS).
 */
import { Plan, plan } from "./harness";

const STACK_TYPE = "pulumi:pulumi:Stack";
/** What index.ts itself registers under the stack: the explicit providers and the top-level components. */
const TOP_LEVEL = [
    "pulumi:providers:aws",
    "pulumi:providers:kubernetes",
];

function strays(p: Plan): string[] {
    const stack = p.resources.find((r) => r.type === STACK_TYPE)?.urn;
    return p.resources
        .filter((r) => r.type !== STACK_TYPE && (r.parent === undefined || r.parent === stack))
        .filter((r) => r.custom && !TOP_LEVEL.includes(r.type))
        .map((r) => `${r.type} ${r.name}`);
}

const ZONE_ID = "Z0123456789ABCDEFGHIJ";
const EXISTING_VPC = {
    vpcId: "vpc-0123456789abcdef0",
    privateSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2", "subnet-0aaaaaaaaaaaaaaa3"],
    publicSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2", "subnet-0bbbbbbbbbbbbbbb3"],
};

describe("every resource is a child of its component", () => {
    test.each([
        ["dev", []],
        ["stage", []],
        ["prod", []],
        ["prod with DNS records and a certificate", [`dns=${JSON.stringify({ zoneId: ZONE_ID, createCertificate: true, includeApex: true })}`]],
        ["dev in an existing VPC", [`existingVpc=${JSON.stringify(EXISTING_VPC)}`, 'previewAccess={"sourceCidrs":["203.0.113.0/24"]}']],
    ] as [string, string[]][])("%s", async (name, set) => {
        const stack = name.split(" ")[0];
        const p = await plan(stack, ...set);
        expect(p.resources.length).toBeGreaterThan(50);
        expect(strays(p)).toEqual([]);
    });
});
