import { blogDescription, getAtt, liveAlias, logicalIdAt, ref, resourceAt, resourcesOfType, templateJson } from './support/template';
import { synthesizeVariant } from './support/synth';

const d = blogDescription();
const fnPath = `ServerlessBlog/Functions/${d.export.name}/Function/`;
const fnArn = () => getAtt(logicalIdAt(`${fnPath}Resource`), 'Arn');
const live = () => liveAlias(`ServerlessBlog/Functions/${d.export.name}`);
const exportMethod = () =>
  Object.values(resourcesOfType('AWS::ApiGateway::Method')).find(
    (m: any) => JSON.stringify(m.Properties.Integration?.Uri ?? '').includes(live().Ref),
  ) as any;

describe("chapter 11's export", () => {
  test('is its own function, which may only read the feed', () => {
    const role = resourceAt(`ServerlessBlog/Functions/${d.export.name}/Role/DefaultPolicy/Resource`).Properties!;
    const actions = role.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat());
    expect(actions.filter((a: string) => a.startsWith('dynamodb:'))).toEqual(d.export.dynamodb.map((p) => p.action));
    expect(resourceAt(`${fnPath}Resource`).Properties!.Description).toBe(`${d.export.method} ${d.export.resource} (streamed)`);
  });

  test("is every method of its own resource on the functions' REST API, through an integration that streams", () => {
    const method = exportMethod();
    expect(method).toBeDefined();
    expect(method.Properties.HttpMethod).toBe(d.export.method);
    expect(method.Properties.ResourceId).toEqual(ref(logicalIdAt(`ServerlessBlog/Functions/Api/Default${d.export.resource}/Resource`)));
    expect(method.Properties.Integration).toMatchObject({
      Type: 'AWS_PROXY',
      IntegrationHttpMethod: 'POST',
      ResponseTransferMode: d.export.transferMode,
    });
    // The response-streaming invocation of the Lambda API (2021-11-15), not the buffered one.
    const uri = JSON.stringify(method.Properties.Integration.Uri);
    expect(uri).toContain('/2021-11-15/functions/');
    expect(uri).toContain('/response-streaming-invocations');
    expect(uri).not.toContain('2015-03-31');
  });

  test('API Gateway may invoke the function from this API: a streamed invocation needs lambda:InvokeFunction too', () => {
    const permissions = Object.values(resourcesOfType('AWS::Lambda::Permission')).filter(
      (p: any) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(live()) && p.Properties.Principal === 'apigateway.amazonaws.com',
    );
    expect(permissions.length).toBeGreaterThan(0);
    for (const permission of permissions as any[]) {
      expect(permission.Properties.Action).toBe('lambda:InvokeFunction');
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(logicalIdAt('ServerlessBlog/Functions/Api/Resource'));
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(`${d.export.resource}`);
    }
  });

  test('has no mock integrations: the function answers the preflight and 405 itself', () => {
    const onExport = Object.values(resourcesOfType('AWS::ApiGateway::Method')).filter(
      (m: any) => JSON.stringify(m.Properties.ResourceId) === JSON.stringify(exportMethod().Properties.ResourceId),
    );
    expect(onExport).toHaveLength(1);
  });

  test('streams behind its own public function URL, the output ExportFunctionURL', () => {
    const url = `ServerlessBlog/Functions/${d.export.name}/Live/FunctionUrl/Resource`;
    expect(resourceAt(url).Properties).toEqual({
      AuthType: d.export.functionUrl.authType,
      InvokeMode: 'RESPONSE_STREAM',
      TargetFunctionArn: fnArn(),
      Qualifier: d.operating.functionAlias.name,
    });
    const output = templateJson().Outputs.ExportFunctionURL;
    expect(output.Value).toEqual(getAtt(logicalIdAt(url), 'FunctionUrl'));
  });

  test('with -c allowedCidr, keeps the REST API method and leaves out the function URL', () => {
    const template = synthesizeVariant({ allowedCidr: '203.0.113.0/24' }).toJSON();
    expect(Object.keys(template.Outputs)).not.toContain('ExportFunctionURL');
    const methods = Object.values(template.Resources).filter(
      (r: any) => r.Type === 'AWS::ApiGateway::Method' && r.Properties.Integration?.ResponseTransferMode === 'STREAM',
    );
    expect(methods).toHaveLength(1);
  });
});
