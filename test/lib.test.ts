/**
 * The pure building blocks of lib/, called directly with literal expectations: IAM names and ARNs as AWS writes
 * them, application permissions, and the labels that tie namespaces to the Gateway, the controller and Pod Security.
 */
import { applicationStatements, bucketArn, isSecretName, secretArn } from "../lib/appPermissions";
import { IAM_ROLE_NAME_MAX, NODE_MANAGED_POLICIES, boundedName, managedPolicyArn, serviceTrustPolicy } from "../lib/iam";
import { namespaceLabels } from "../components/blueGreenService";

describe("IAM names and ARNs", () => {
    test("role names: IAM's 64 characters; characters IAM refuses become '-'", () => {
        expect(IAM_ROLE_NAME_MAX).toBe(64);
        expect(boundedName("svc-ns/sa:x y")).toBe("svc-ns-sa-x-y");
        expect(boundedName("a+b=c,d.e@f_g-h")).toBe("a+b=c,d.e@f_g-h");
        // Exactly 64 characters fit; 65 do not: the first 55, "-" and 8 hex digits of the name's SHA-256.
        expect(boundedName("d".repeat(64))).toBe("d".repeat(64));
        expect(boundedName("c".repeat(65))).toBe(`${"c".repeat(55)}-b30855e5`);
        // Dashes where the prefix is cut are dropped, not doubled: `printf '%s' a…---b… | sha256sum`.
        expect(boundedName(`${"a".repeat(53)}---${"b".repeat(20)}`)).toBe(`${"a".repeat(53)}-3fd47361`);
    });

    test("AWS managed policy ARNs, in the commercial partition by default and in others when asked", () => {
        expect(managedPolicyArn("AmazonEKSWorkerNodePolicy")).toBe("arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy");
        expect(managedPolicyArn("AmazonEKS_CNI_Policy", "aws-cn")).toBe("arn:aws-cn:iam::aws:policy/AmazonEKS_CNI_Policy");
        // An EKS node role's managed policies (EKS User Guide, "Amazon EKS node IAM role"), without AmazonEKS_CNI_Policy:
        // the VPC CNI gets it through its own service account's role, as the guide recommends.
        expect([...NODE_MANAGED_POLICIES].sort()).toEqual(["AmazonEC2ContainerRegistryPullOnly", "AmazonEKSWorkerNodePolicy", "AmazonSSMManagedInstanceCore"]);
    });

    test("a service trust policy: that service principal may assume the role, nothing else", () => {
        expect(serviceTrustPolicy("ec2.amazonaws.com")).toEqual({
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
        });
    });
});

describe("application permissions", () => {
    const scope = { partition: "aws-cn", region: "cn-north-1", accountId: "123456789012" };

    test("buckets by name get the partition's ARN; ARNs stay as written", () => {
        expect(bucketArn("assets")).toBe("arn:aws:s3:::assets");
        expect(bucketArn("assets", "aws-us-gov")).toBe("arn:aws-us-gov:s3:::assets");
        expect(bucketArn("arn:aws:s3:::assets", "aws-cn")).toBe("arn:aws:s3:::assets");
    });

    test("secrets: by name in the stack's partition, account and region, with Secrets Manager's six-character suffix", () => {
        expect(isSecretName("app/db")).toBe(true);
        expect(isSecretName("arn:aws:secretsmanager:us-east-1:123456789012:secret:app/db-AbCdEf")).toBe(false);
        expect(secretArn("app/db", scope)).toBe("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app/db-??????");
        expect(() => secretArn("app/db")).toThrow('secret "app/db" is named without an ARN: its account and region are needed');
        expect(secretArn("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf")).toBe("arn:aws:secretsmanager:us-east-1:123456789012:secret:x-AbCdEf");
    });

    test("each access level, statement by statement: objects under the bucket, listing only for readers", () => {
        expect(
            applicationStatements(
                {
                    s3Buckets: [
                        { bucket: "in", access: "read" },
                        { bucket: "out", access: "write" },
                        { bucket: "arn:aws-cn:s3:::both", access: "readwrite" },
                    ],
                    secrets: [{ secret: "app/db" }, { secret: "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app/key-AbCdEf" }],
                },
                scope,
            ),
        ).toEqual([
            { Sid: "S3Objects0", Effect: "Allow", Action: ["s3:GetObject"], Resource: "arn:aws-cn:s3:::in/*" },
            { Sid: "S3List0", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws-cn:s3:::in" },
            { Sid: "S3Objects1", Effect: "Allow", Action: ["s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws-cn:s3:::out/*" },
            { Sid: "S3Objects2", Effect: "Allow", Action: ["s3:GetObject", "s3:PutObject", "s3:AbortMultipartUpload"], Resource: "arn:aws-cn:s3:::both/*" },
            { Sid: "S3List2", Effect: "Allow", Action: ["s3:ListBucket"], Resource: "arn:aws-cn:s3:::both" },
            {
                Sid: "ReadSecrets",
                Effect: "Allow",
                Action: ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"],
                Resource: ["arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app/db-??????", "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:app/key-AbCdEf"],
            },
        ]);
        // Without a scope, buckets by name are in the commercial partition.
        expect(applicationStatements({ s3Buckets: [{ bucket: "in", access: "read" }], secrets: [] })[0].Resource).toBe("arn:aws:s3:::in/*");
    });
});

describe("namespace labels of an application", () => {
    test("the Gateway's route label, readiness-gate injection, and Pod Security restricted in all three modes", () => {
        // Pod Security Admission labels: pod-security.kubernetes.io/<mode>: <level> and <mode>-version (Kubernetes docs).
        expect(namespaceLabels({ name: "app-api" })).toEqual({
            app: "app-api",
            "app.kubernetes.io/name": "app-api",
            "app.kubernetes.io/managed-by": "pulumi",
            "platform/gateway-routes": "enabled",
            "elbv2.k8s.aws/pod-readiness-gate-inject": "enabled",
            "pod-security.kubernetes.io/enforce": "restricted",
            "pod-security.kubernetes.io/enforce-version": "latest",
            "pod-security.kubernetes.io/warn": "restricted",
            "pod-security.kubernetes.io/audit": "restricted",
        });
    });
});
