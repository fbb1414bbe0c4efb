import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one cdk-nag finding, with the reason, on exactly one CloudFormation resource:
 * the construct's own resource (`node.defaultChild`), not everything under it. An acknowledgment
 * on a higher construct would silence the rule for every resource below it, including ones added
 * later, so the stack never acknowledges on itself or on a whole variant.
 */
export function acknowledgeFinding(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct.node.defaultChild ?? construct).acknowledge({ id, reason });
}
