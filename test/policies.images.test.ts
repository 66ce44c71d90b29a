/**
 * Image references as the container runtime reads them (distribution/reference: a first path component is a
 * registry only when it has a "." or ":" or is "localhost"; a reference without a tag means :latest), and
 * workload-pinned-image over containers that set no image.
 */
import { imageReference, imageRepository, isAllowedRepository, workloadPinnedImage } from "../policies/workloads";
import { messages, resource } from "./policyHarness";

describe("image references", () => {
    test("a name without tag or registry has no tag; a port is not a tag; a digest pins", () => {
        expect(imageReference("nginx")).toEqual({ tag: undefined, digest: false });
        expect(imageReference("nginx:1.27")).toEqual({ tag: "1.27", digest: false });
        expect(imageReference("localhost:5000/app")).toEqual({ tag: undefined, digest: false });
        expect(imageReference(`nginx@sha256:${"a".repeat(64)}`)).toEqual({ tag: undefined, digest: true });
    });

    test("the registry is the first component only with a dot, a port or localhost, and only when a path follows", () => {
        expect(imageRepository("localhost/app:1.0")).toBe("localhost/app");
        expect(imageRepository("localhost:5000/app:1.0")).toBe("localhost:5000/app");
        expect(imageRepository("Registry.Example.com/team/app:1.0")).toBe("registry.example.com/team/app");
        expect(imageRepository("team/app:1.0")).toBe("docker.io/team/app");
        // One component is always a Docker Hub library image, even with a dot in it.
        expect(imageRepository("nginx.mirror:1.0")).toBe("docker.io/library/nginx.mirror");
        expect(imageRepository("nginx")).toBe("docker.io/library/nginx");
    });
});

describe("workload-pinned-image: containers without an image", () => {
    const pod = {
        containers: [{ name: "app" }],
        initContainers: [{ name: "init", image: "" }],
        ephemeralContainers: [{ name: "debug" }],
    };

    test("a container, init container or ephemeral container with no (or an empty) image is named once; a patch may leave it out", async () => {
        const resources = [
            resource("kubernetes:apps/v1:Deployment", "bare", { metadata: { name: "bare", namespace: "apps" }, spec: { template: { spec: pod } } }),
            resource("kubernetes:apps/v1:DeploymentPatch", "patch", { metadata: { name: "patch", namespace: "apps" }, spec: { template: { spec: pod } } }),
        ];
        expect(await messages(workloadPinnedImage, resources)).toEqual([
            'Deployment apps/bare container "app" has no image.',
            'Deployment apps/bare init container "init" has no image.',
            'Deployment apps/bare ephemeral container "debug" has no image.',
        ]);
    });
});

describe("allowed registries as users write them", () => {
    // A registry host is case-insensitive (DNS); a repository path is not. A trailing slash adds nothing.
    test.each([
        ["public.ecr.aws/karpenter/controller", ["public.ecr.aws/karpenter/"], true],
        ["public.ecr.aws/karpenter/controller", ["public.ecr.aws/karpenter//"], true],
        ["public.ecr.aws/karpenter", ["public.ecr.aws/karpenter"], true],
        ["public.ecr.aws/karpenter/controller", ["Public.ECR.aws/karpenter"], true],
        ["public.ecr.aws/karpenter/controller", ["public.ecr.aws/Karpenter"], false],
        ["public.ecr.aws/karpenter/controller", ["public.ecr.aws/karpenter/controller/"], true],
        ["docker.io/library/nginx", ["public.ecr.aws", "docker.io/library"], true],
        ["docker.io/library/nginx", [], false],
    ])("%s in %j: %s", (repository, allowed, expected) => {
        expect(isAllowedRepository(repository, allowed)).toBe(expected);
    });
});
