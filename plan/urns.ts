/**
 * URN stability of the stateful resources. A resource's URN is its identity in the state: a refactor that changes
 * one (a renamed resource, a new parent, a new component) makes Pulumi delete the old resource and create a new one,
 * unless the resource carries an `aliases` entry that leads back to the old URN. `test/urns/<stack>.json` holds the
 * URNs production state has; `missingUrns` finds those the program would no longer claim, resolving aliases the way
 * the engine does (pulumi/pulumi pkg/resource/deploy/step_generator.go: `generateAliases`, `collapseAliasToUrn`,
 * `inheritedChildAlias`, including the aliases a child inherits from an aliased parent).
 */
import { awsRegionOf, modelledChildren } from "./components";
import type { Plan, PlannedAlias } from "./harness";

/** Resource types whose replacement loses data, addresses or identities other systems hold on to. */
export const STATEFUL_URN_TYPES: readonly string[] = [
    "aws:ec2/vpc:Vpc",
    "aws:ec2/subnet:Subnet",
    "aws:ec2/natGateway:NatGateway",
    "aws:ec2/eip:Eip",
    "aws:eks/cluster:Cluster",
    "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
    "aws:eks/nodeGroup:NodeGroup",
    "aws:kms/key:Key",
    "aws:cloudwatch/logGroup:LogGroup",
    "aws:s3/bucket:Bucket",
    "aws:sqs/queue:Queue",
    "aws:iam/role:Role",
];

/** An alias as the engine reads it: an old URN, or the parts of the old identity that differ. */
type Alias = PlannedAlias & { readonly urn?: string };

interface Identity {
    readonly urn: string;
    readonly type: string;
    readonly name: string;
    readonly parent: string | undefined;
    readonly aliases: readonly Alias[];
}

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";
const qualifiedType = (urn: string) => urn.split("::")[2];
const nameOf = (urn: string) => urn.slice(urn.lastIndexOf("::") + 2);
const typeOf = (urn: string) => qualifiedType(urn).split("$").pop()!;

/** `resource.CreateURN`: the parent's qualified type, `$`, the type; no prefix under the root stack. */
function createUrn(plan: Plan, name: string, type: string, parent: string | undefined, project = plan.project, stack = plan.stack): string {
    const prefix = parent && qualifiedType(parent) !== ROOT_STACK_TYPE ? `${qualifiedType(parent)}$` : "";
    return `urn:pulumi:${stack}::${project}::${prefix}${type}::${name}`;
}

/** Every resource of the program, with the modelled children of multi-language components, in registration order. */
function identities(plan: Plan): Identity[] {
    const out: Identity[] = [];
    for (const r of plan.resources) {
        const aliases: Alias[] = [...(r.aliases ?? []).map((urn) => ({ urn })), ...(r.aliasSpecs ?? [])];
        out.push({ urn: r.urn, type: r.type, name: r.name, parent: r.parent, aliases });
        for (const c of modelledChildren(r, awsRegionOf(plan, r))) out.push({ urn: c.urn, type: c.type, name: c.name, parent: c.parent, aliases: [] });
    }
    return out;
}

/** The URNs of the stateful resources of a plan, sorted: what `test/urns/<stack>.json` records. */
export function statefulUrns(plan: Plan): string[] {
    return identities(plan)
        .filter((r) => STATEFUL_URN_TYPES.includes(r.type))
        .map((r) => r.urn)
        .sort();
}

/**
 * The recorded URNs the program no longer claims, neither as a resource's URN nor through its aliases: each one is a
 * resource `pulumi up` would delete (and, if it still exists under another URN, create anew).
 */
export function missingUrns(recorded: readonly string[], plan: Plan): string[] {
    const known = new Set(recorded);
    const claimed = new Set<string>();
    /** Resource URN → the old URN it was found under (its alias), for its children. */
    const oldUrnOf = new Map<string, string>();
    for (const r of identities(plan)) {
        const parentOld = r.parent ? oldUrnOf.get(r.parent) : undefined;
        const collapse = (alias: Alias): string => {
            if (alias.urn) return alias.urn;
            let parent = alias.parentUrn ?? r.parent;
            if (alias.parentUrn && oldUrnOf.has(alias.parentUrn)) parent = oldUrnOf.get(alias.parentUrn);
            if (alias.noParent) parent = undefined;
            return createUrn(plan, alias.name ?? r.name, alias.type ?? r.type, parent, alias.project, alias.stack);
        };
        const candidates = [r.urn, ...r.aliases.map(collapse)];
        if (parentOld && r.parent) {
            // `inheritedChildAlias`: a child named after its parent follows the parent's old name too.
            const inherit = (type: string, name: string) => {
                const parentName = nameOf(r.parent!);
                const aliasName = name.startsWith(parentName) ? nameOf(parentOld) + name.slice(parentName.length) : name;
                return `urn:pulumi:${plan.stack}::${plan.project}::${qualifiedType(parentOld)}$${type}::${aliasName}`;
            };
            candidates.push(inherit(r.type, r.name));
            for (const alias of r.aliases) {
                const collapsed = collapse(alias);
                candidates.push(inherit(typeOf(collapsed), nameOf(collapsed)));
            }
        }
        const found = candidates.find((u) => known.has(u));
        if (found) claimed.add(found);
        // The record holds only stateful resources; a component in between (not recorded) is taken to be found under
        // its first alias, as the engine would find it in the full state.
        const old = found ?? candidates[1];
        if (old !== undefined && old !== r.urn) oldUrnOf.set(r.urn, old);
    }
    return recorded.filter((u) => !claimed.has(u));
}
