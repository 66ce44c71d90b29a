import * as pulumi from "@pulumi/pulumi";

/**
 * The AWS provider a component inherited, as a `providers` map for its multi-language children
 * (`awsx:ec2:Vpc`, `eks:index:Cluster`): those belong to another package, so the SDK passes them only the
 * providers named explicitly, and with default providers disabled they would otherwise have none.
 */
export function inheritedAwsProvider(component: pulumi.Resource): Record<string, pulumi.ProviderResource> | undefined {
    const provider = component.getProvider("aws::");
    return provider ? { aws: provider } : undefined;
}
