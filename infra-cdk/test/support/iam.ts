import { CfnResource, templateJson } from './template';

/** One action allowed on one resource: a policy statement taken apart, so merged statements compare equal. */
export interface Grant {
  action: string;
  resource: unknown;
}

/** Every (action, resource) pair that the policy's Allow statements grant. */
export function grantsOf(policy: CfnResource): Grant[] {
  const grants: Grant[] = [];
  for (const statement of policy.Properties?.PolicyDocument?.Statement ?? []) {
    expect(statement.Effect).toBe('Allow');
    for (const action of [statement.Action].flat()) {
      for (const resource of [statement.Resource].flat()) grants.push({ action, resource });
    }
  }
  return grants;
}

/** Sorts grants so that two lists compare equal whatever their order. */
export function sorted(grants: Grant[]): Grant[] {
  return [...grants].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

/** Every policy statement of the template: in AWS::IAM::Policy resources and in roles' inline policies. */
export function allStatements(): any[] {
  const statements: any[] = [];
  for (const resource of Object.values(templateJson().Resources)) {
    if (resource.Type === 'AWS::IAM::Policy') statements.push(...resource.Properties!.PolicyDocument.Statement);
    if (resource.Type === 'AWS::IAM::Role') {
      for (const policy of resource.Properties?.Policies ?? []) statements.push(...policy.PolicyDocument.Statement);
    }
  }
  return statements;
}
