import * as fs from 'node:fs';
import * as path from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { BlogDeployment, loadDescription } from '../../lib/description';
import { GENERATED_DESCRIPTION } from './synth';

/** A resource of a CloudFormation template, as JSON. */
export interface CfnResource {
  Type: string;
  Properties?: Record<string, any>;
  Metadata?: Record<string, any>;
  [key: string]: any;
}

/** The template every test reads: BLOG_TEMPLATE, which the global setup sets when the caller did not. */
export function templatePath(): string {
  const file = process.env.BLOG_TEMPLATE;
  if (!file) throw new Error('BLOG_TEMPLATE is not set: run the tests through jest, whose global setup sets it');
  return path.resolve(file);
}

let cachedJson: any;
/** The synthesized template as JSON. */
export function templateJson(): { Resources: Record<string, CfnResource>; Outputs: Record<string, any>; [key: string]: any } {
  cachedJson ??= JSON.parse(fs.readFileSync(templatePath(), 'utf8'));
  return cachedJson;
}

let cachedTemplate: Template | undefined;
/** The synthesized template, for `aws-cdk-lib/assertions`. */
export function blogTemplate(): Template {
  cachedTemplate ??= Template.fromJSON(templateJson());
  return cachedTemplate;
}

let cachedDescription: BlogDeployment | undefined;
/**
 * The description the template was synthesized from: BLOG_DESCRIPTION, else the repository's
 * openapi.json (what `cdk synth` reads by default).
 */
export function blogDescription(): BlogDeployment {
  cachedDescription ??= loadDescription(process.env.BLOG_DESCRIPTION ?? GENERATED_DESCRIPTION);
  return cachedDescription;
}

/** The logical id of the resource whose `aws:cdk:path` is `constructPath`. */
export function logicalIdAt(constructPath: string): string {
  const found = Object.entries(templateJson().Resources).filter(([, r]) => r.Metadata?.['aws:cdk:path'] === constructPath);
  if (found.length !== 1) throw new Error(`expected one resource at ${constructPath}, found ${found.length}`);
  return found[0][0];
}

/** The resource whose `aws:cdk:path` is `constructPath`. */
export function resourceAt(constructPath: string): CfnResource {
  return templateJson().Resources[logicalIdAt(constructPath)];
}

/** Every resource of a type, by logical id. */
export function resourcesOfType(type: string): Record<string, CfnResource> {
  return Object.fromEntries(Object.entries(templateJson().Resources).filter(([, r]) => r.Type === type));
}

/** `{ Ref: id }` */
export const ref = (logicalId: string) => ({ Ref: logicalId });

/** X-Ray's OTLP endpoint for traces in the stack's region, as a binary's environment names it. */
export const XRAY_ENDPOINT = { 'Fn::Join': ['', ['https://xray.', { Ref: 'AWS::Region' }, '.amazonaws.com/v1/traces']] };
/** `{ Fn::GetAtt: [id, attribute] }` */
export const getAtt = (logicalId: string, attribute: string) => ({ 'Fn::GetAtt': [logicalId, attribute] });

/** Every resource of a type whose construct path starts with `prefix` (`ServerlessBlog/Functions/`). */
export function resourcesUnder(prefix: string, type: string): CfnResource[] {
  return Object.values(resourcesOfType(type)).filter((r) => (r.Metadata?.['aws:cdk:path'] as string).startsWith(prefix));
}

/**
 * `{ Ref: alias }` of the function construct at `functionConstruct` (`ServerlessBlog/Functions/get-post`):
 * what every front door invokes, a `live` alias's ARN.
 */
export function liveAlias(functionConstruct: string): { Ref: string } {
  return ref(logicalIdAt(`${functionConstruct}/Live/Resource`));
}
