/**
 * One team's services for one environment, on the shared platform:
 *
 *   stack config ─▶ StackReference(platformStack) ─▶ platformContract (validated)
 *                                                   └▶ aws + kubernetes providers (as the team's deploy identity)
 *                                                       └▶ BlueGreenService per service (namespace, identity, colors,
 *                                                          routes on the platform's Gateway through its namespace selector)
 *
 * No cluster, VPC, controller or Gateway here: those are the platform stack's. Everything this program registers
 * lives in the team's own namespaces (and its IAM roles trust only its own service accounts).
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { runningUnderMocks } from "../config";
import { BlueGreenService } from "../components/blueGreenService";
import { awsProviderCredentials, clusterOfKubeconfig, kubeconfigFor } from "../lib/kubeconfig";
import { parsePlatformContract, PLATFORM_CONTRACT_OUTPUT } from "../lib/platformContract";
import { assertNoAppPlaceholders, loadAppsConfig, teamServices } from "./config";

// Async: the services are checked against the platform's contract before any of their resources is registered.
export = async () => {
    const config = loadAppsConfig();
    assertNoAppPlaceholders(config, runningUnderMocks());

    const platform = new pulumi.StackReference("platform", { name: config.platformStack });
    const contract = parsePlatformContract(await platform.getOutputDetails(PLATFORM_CONTRACT_OUTPUT), config.platformStack);
    const services = teamServices(config, contract);

    const stackTags = { "eks-platform/stack": config.stack, "eks-platform/cluster": contract.clusterName, "eks-platform/team": config.team };
    const awsProvider = new aws.Provider("aws", {
        region: contract.region as aws.Region,
        ...awsProviderCredentials(config.deployIdentity, `pulumi-${config.stack}`),
        defaultTags: { tags: { ...config.tags, ...stackTags } },
    });
    // The platform's API server and CA, with tokens fetched as this stack's own deploy identity (the one its
    // access entry names), never as the platform's.
    const kubeconfig = kubeconfigFor({
        clusterName: contract.clusterName,
        region: contract.region,
        ...clusterOfKubeconfig(JSON.parse(contract.kubeconfig)),
        identity: config.deployIdentity,
    });
    const k8sProvider = new k8s.Provider("kubernetes", {
        kubeconfig: pulumi.secret(JSON.stringify(kubeconfig)),
        enableServerSideApply: true,
        deleteUnreachable: false,
    });
    const inCluster = { providers: { aws: awsProvider, kubernetes: k8sProvider } };
    const identitySource = { name: contract.clusterName, arn: contract.identity.clusterArn, oidcProviderArn: contract.identity.oidcProviderArn, oidcIssuer: contract.identity.oidcIssuer };

    // [services]
    // The CRDs, the load balancer controller and the metrics server are the platform's: nothing here to wait for.
    const blueGreenServices = services.map(
        (service) =>
            new BlueGreenService(
                service.name,
                {
                    service,
                    clusterName: contract.clusterName,
                    identitySource,
                    parentRef: contract.gateway.parentRef,
                    // Previews are reachable from the same networks as the platform's own, pods from the VPC only.
                    previewSourceCidrs: [...contract.gateway.previewSourceCidrs],
                    vpcCidr: contract.vpcCidr,
                    tags: config.tags,
                },
                inCluster,
            ),
    );

    return {
        platformStack: config.platformStack,
        team: config.team,
        clusterName: contract.clusterName,
        /** Per service: active color, image of each color, public URL and preview URL (of the inactive color). */
        services: Object.fromEntries(blueGreenServices.map((s, i) => [services[i].name, s.summary])),
        namespaces: services.map((s) => s.namespace),
        /** For kubectl and `npm run switch --project apps`: the platform's API server, tokens as this stack's deploy identity. */
        kubeconfig: pulumi.secret(JSON.stringify(kubeconfig)),
    };
};
