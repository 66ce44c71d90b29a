/**
 * IAM document reading (policies/iamDocument.ts) against the IAM JSON policy reference: wildcard actions (`*` any run
 * of characters, `?` one), the privilege-escalation actions (Rhino Security Labs, "AWS IAM Privilege Escalation"
 * methods: policy versions, inline and managed policies of roles, users and groups, boundaries, users and their
 * credentials, PassRole, role assumption), resources that name nothing, principals and their accounts.
 */
import { escalationsGrantedBy, isAnyResource, isWildcardAction, isWildcardValue, narrows, parseDocument, principalAccount, principalsOf } from "../policies/iamDocument";

describe("escalation actions a wildcard grants", () => {
    test.each([
        ["iam:CreatePolicyVersion", "iam:CreatePolicyVersio?"],
        ["iam:SetDefaultPolicyVersion", "iam:SetDefault*"],
        ["iam:PutUserPolicy", "iam:PutUserPolic?"],
        ["iam:PutUserPermissionsBoundary", "iam:PutUserPermissions*"],
        ["iam:DeleteUserPermissionsBoundary", "iam:DeleteUserPermissions*"],
        ["iam:PutGroupPolicy", "iam:PutGroupPolic?"],
        ["iam:AddUserToGroup", "iam:AddUserTo*"],
        ["iam:CreateUser", "iam:CreateUse?"],
        ["iam:CreateAccessKey", "iam:CreateAccess*"],
        ["iam:CreateLoginProfile", "iam:CreateLogin*"],
        ["iam:UpdateLoginProfile", "iam:UpdateLogin*"],
        ["iam:UpdateAccessKey", "iam:UpdateAccess*"],
        ["iam:UpdateAssumeRolePolicy", "iam:UpdateAssume*"],
        ["sts:AssumeRoleWithSAML", "sts:AssumeRoleWithS*"],
    ])("%s, through %s", (action, wildcard) => {
        expect(escalationsGrantedBy(wildcard)).toEqual([action]);
    });

    test("a literal dot in an action pattern is a dot, not any character", () => {
        expect(escalationsGrantedBy("iam.PassRol?")).toEqual([]);
    });

    test("only * and ? are wildcards: other characters, regular-expression ones included, stand for themselves", () => {
        expect(escalationsGrantedBy("iam:Pass(Role)*")).toEqual([]);
        expect(escalationsGrantedBy("iam:Pass[R]ole")).toEqual([]);
    });
});

describe("wildcard actions", () => {
    test.each([
        ["*", true],
        ["s3:*", true],
        ["S3:*", true],
        ["elastic-inference:*", true],
        ["s3:Get*", false],
        ["xs3:*x", false],
        ["s3:*x", false],
        ["s3:**", false],
    ])("%s: %s", (action, expected) => {
        expect(isWildcardAction(action)).toBe(expected);
    });
});

describe("resources that name nothing", () => {
    test.each([
        ["*", true],
        ["**", true],
        ["?*", true],
        ["*x", false],
        ["arn:aws:s3:::*", true],
        ["arn:aws:s3:::my-bucket/*", false],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*", true],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*/index/*", true],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*/stream/*", true],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*/backup/*", true],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*/export/*", true],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/*/import/*", true],
        ["arn:aws:dynamodb:ap-northeast-2:123456789012:table/orders/index/*", false],
        ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:*", true],
        ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app/*", false],
        ["arn:aws:secretsmanager:ap-northeast-2:123456789012:secret:app/db-AbCdEf", false],
        ["nra:aws:s3:::*", false],
        ["arn:aws:s3", false],
        // Without a wildcard an ARN names what it says, even when that is nothing (an id interpolated empty).
        ["arn:aws:s3:::", false],
        ["arn:aws:kms:ap-northeast-2:123456789012:key/", false],
        // API Gateway: arn:aws:execute-api:<region>:<account>:<api-id>/<stage>/<method>/<path>; the stage is a name.
        ["arn:aws:execute-api:ap-northeast-2:123456789012:*/prod/*", false],
    ])("%s: %s", (resource, expected) => {
        expect(isAnyResource(resource)).toBe(expected);
    });
});

describe("documents and principals", () => {
    test("a document without statements, or with one that is not an object, is an error", () => {
        expect(parseDocument({ Version: "2012-10-17" })).toEqual({ error: "has no Statement" });
        expect(parseDocument(null)).toEqual({ error: "has no Statement" });
        expect(parseDocument({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }, "x"] })).toEqual({ error: "has a Statement that is not an object" });
        expect(parseDocument({ Statement: [null] })).toEqual({ error: "has a Statement that is not an object" });
    });

    test("Principal \"*\" is everyone, as an AWS principal", () => {
        expect(principalsOf("*")).toEqual({ everyone: true, aws: ["*"], service: [], federated: [], canonicalUser: [] });
    });

    test.each([
        ["123456789012", "123456789012"],
        ["arn:aws:iam::123456789012:root", "123456789012"],
        ["arn:aws-cn:sts::123456789012:assumed-role/r/s", "123456789012"],
        ["1234567890123", undefined],
        ["x123456789012", undefined],
        ["arn:aws:s3:::123456789012", undefined],
        ["xarn:aws:iam::123456789012:root", undefined],
    ])("account of %s: %s", (principal, account) => {
        expect(principalAccount(principal)).toBe(account);
    });
});

describe("conditions that narrow", () => {
    test.each([
        ["", true],
        ["*", true],
        ["**", true],
        ["*?", true],
        ["o-*", false],
    ])("value %j names nothing: %s", (value, expected) => {
        expect(isWildcardValue(value)).toBe(expected);
    });

    test("NotIpAddress does not narrow aws:SourceIp: every address but a range passes it", () => {
        expect(narrows({ Effect: "Allow", Condition: { NotIpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }, "aws:SourceIp")).toBe(false);
        expect(narrows({ Effect: "Allow", Condition: { IpAddress: { "aws:SourceIp": "203.0.113.0/24" } } }, "aws:SourceIp")).toBe(true);
    });

    test("a condition whose values name nothing does not narrow", () => {
        expect(narrows({ Effect: "Allow", Condition: { StringLike: { "aws:PrincipalOrgID": ["**", ""] } } }, "aws:PrincipalOrgID")).toBe(false);
    });
});
