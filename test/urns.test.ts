/**
 * URN stability: the URNs of the stateful resources (VPC, subnets, NAT gateways and their addresses, the EKS cluster
 * and its OIDC provider, the node group, the KMS key, the interruption queue, every IAM role) are recorded per stack
 * in `test/urns/<stack>.json`. A refactor that changes one without an `aliases` entry would make `pulumi up` delete
 * and recreate production's resource; this test fails first. After a deliberate change (a new stateful resource, or
 * an alias added), record the new list with `UPDATE_URNS=1 npx jest test/urns.test.ts` and review its diff.
 */
import * as fs from "fs";
import * as path from "path";
import type { Plan, PlannedResource } from "../plan/harness";
import { missingUrns, statefulUrns } from "../plan/urns";
import { find, plan, STACKS } from "./harness";

const file = (stack: string) => path.resolve(__dirname, "urns", `${stack}.json`);

describe.each(STACKS)("%s: stateful URNs", (stack) => {
    let p: Plan;
    beforeAll(async () => {
        p = await plan(stack);
        if (process.env.UPDATE_URNS === "1") fs.writeFileSync(file(stack), `${JSON.stringify(statefulUrns(p), null, 2)}\n`);
    });

    test("every recorded URN is still claimed, by the resource or through its aliases", () => {
        const recorded = JSON.parse(fs.readFileSync(file(stack), "utf8")) as string[];
        expect(missingUrns(recorded, p)).toEqual([]);
    });

    test("every stateful resource is recorded", () => {
        const recorded = new Set(JSON.parse(fs.readFileSync(file(stack), "utf8")) as string[]);
        expect(statefulUrns(p).filter((u) => !recorded.has(u))).toEqual([]);
    });

    test("the list holds what production cannot lose", () => {
        const recorded = JSON.parse(fs.readFileSync(file(stack), "utf8")) as string[];
        const types = new Set(recorded.map((u) => u.split("::")[2].split("$").pop()));
        for (const type of ["aws:ec2/vpc:Vpc", "aws:ec2/subnet:Subnet", "aws:ec2/natGateway:NatGateway", "aws:eks/cluster:Cluster", "aws:eks/nodeGroup:NodeGroup", "aws:kms/key:Key", "aws:sqs/queue:Queue", "aws:iam/role:Role"]) {
            expect([type, types.has(type)]).toEqual([type, true]);
        }
    });
});

describe("a refactor that changes a URN", () => {
    let prod: Plan;
    beforeAll(async () => {
        prod = await plan("prod");
    });

    /** The network as registered in prod, with its component renamed `net` (and its child `net-vpc`). */
    function renamedNetwork(aliasSpecs: PlannedResource["aliasSpecs"]): Plan {
        const network = find(prod, "eks-platform:network:Network", "network");
        const vpc = find(prod, "awsx:ec2:Vpc", "network-vpc");
        const rename = (urn: string) => urn.replace("::network-vpc", "::net-vpc").replace(/::network$/, "::net");
        const resources = prod.resources.map((r) =>
            r === network
                ? { ...r, urn: rename(r.urn), name: "net", aliasSpecs }
                : r === vpc
                  ? { ...r, urn: rename(r.urn), name: "net-vpc", parent: rename(r.parent!) }
                  : r,
        );
        return { ...prod, resources };
    }

    test("without an alias, the VPC, its subnets and NAT gateways would be recreated", () => {
        const recorded = statefulUrns(prod);
        const missing = missingUrns(recorded, renamedNetwork([]));
        expect(missing.map((u) => u.slice(u.lastIndexOf("::") + 2)).sort()).toEqual(
            [
                "network-vpc",
                ...[1, 2, 3].map((i) => `network-vpc-${i}`), // NAT gateways (prod: one per AZ)
                ...[1, 2, 3].map((i) => `network-vpc-${i}`), // and their addresses
                ...[1, 2, 3].flatMap((i) => [`network-vpc-private-${i}`, `network-vpc-public-${i}`]),
            ].sort(),
        );
    });

    test("an alias on the renamed component carries the children named after their parent, and only those", () => {
        // The engine's inheritedChildAlias renames a child only when its name starts with its parent's: the VPC and the
        // subnets follow, but a NAT gateway `net-vpc-1` under subnet `net-vpc-public-1` does not, so it (and its
        // address) would be recreated. Here the refactor must keep the VPC's name, and the check says so.
        const missing = missingUrns(statefulUrns(prod), renamedNetwork([{ name: "network" }]));
        expect(missing.map((u) => u.split("::")[2].split("$").pop() + " " + u.slice(u.lastIndexOf("::") + 2)).sort()).toEqual(
            [1, 2, 3].flatMap((i) => [`aws:ec2/eip:Eip network-vpc-${i}`, `aws:ec2/natGateway:NatGateway network-vpc-${i}`]).sort(),
        );
    });
});
