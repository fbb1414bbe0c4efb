import { blogDescription, getAtt, liveAlias, logicalIdAt, ref, resourceAt, resourcesOfType, templateJson } from './support/template';
import { synthesizeVariant } from './support/synth';
import { STAGE_THROTTLING } from '../lib/blog-rest-api';
import { HTTP_API_ACCESS_LOG_FIELDS } from '../lib/other-doors';

const d = blogDescription();
const under = 'ServerlessBlog/Functions/HttpApi/';
const apiId = () => ref(logicalIdAt(`${under}Api/Resource`));
const functionArn = (name: string) => liveAlias(`ServerlessBlog/Functions/${name}`);

describe('the four functions behind an HTTP API', () => {
  test('has one route per route of the description, each to its function, with payload format 2.0', () => {
    const routes: any[] = Object.values(resourcesOfType('AWS::ApiGatewayV2::Route'));
    const integrations: Record<string, any> = resourcesOfType('AWS::ApiGatewayV2::Integration');
    const target = (route: any) => route.Properties.Target['Fn::Join'][1][1].Ref;
    const seen = routes.map((route: any) => ({
      routeKey: route.Properties.RouteKey,
      function: integrations[target(route)].Properties.IntegrationUri,
      format: integrations[target(route)].Properties.PayloadFormatVersion,
    }));
    expect(seen).toHaveLength(d.httpApi.routes.length);
    for (const route of d.httpApi.routes) {
      expect(seen).toContainEqual({ routeKey: route.routeKey, function: functionArn(route.function), format: '2.0' });
    }
    // Each function's own route, and an ANY route on every path: a preflight or a 405 reaches a function.
    for (const f of d.functions.each) expect(seen.map((r) => r.routeKey)).toContain(`${f.method} ${f.resource}`);
    for (const r of d.resources) expect(seen.map((s) => s.routeKey)).toContain(`ANY ${r.path}`);
    for (const route of routes) expect(route.Properties.ApiId).toEqual(apiId());
  });

  test('has no CORS configuration: the functions answer CORS themselves, and the API would ignore their headers', () => {
    expect(resourceAt(`${under}Api/Resource`).Properties!.CorsConfiguration).toBeUndefined();
  });

  test('serves its $default stage (no stage in the URL), deployed automatically, throttled like the REST APIs', () => {
    expect(resourceAt(`${under}Api/DefaultStage/Resource`).Properties).toMatchObject({
      ApiId: apiId(),
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: {
        ThrottlingRateLimit: STAGE_THROTTLING.rateLimit,
        ThrottlingBurstLimit: STAGE_THROTTLING.burstLimit,
      },
    });
  });

  test("writes JSON access logs to its own log group, with HTTP API variables only", () => {
    const settings = resourceAt(`${under}Api/DefaultStage/Resource`).Properties!.AccessLogSettings;
    expect(settings.DestinationArn).toEqual(getAtt(logicalIdAt(`${under}AccessLogs/Resource`), 'Arn'));
    expect(JSON.parse(settings.Format)).toEqual(HTTP_API_ACCESS_LOG_FIELDS);
    // Variables a REST API has and an HTTP API does not would fail the deploy.
    for (const variable of Object.values(HTTP_API_ACCESS_LOG_FIELDS)) {
      expect(variable).not.toMatch(/resourcePath|\.user$|\.caller$/);
    }
  });

  test('the API Gateway service may invoke each function from this API only', () => {
    const permissions: [string, any][] = Object.entries(resourcesOfType('AWS::Lambda::Permission')).filter(([id]) =>
      id.startsWith('FunctionsHttpApi'),
    );
    expect(permissions.length).toBe(d.httpApi.routes.length);
    for (const [, permission] of permissions) {
      expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
      expect(JSON.stringify(permission.Properties.SourceArn)).toContain(JSON.stringify(apiId()));
    }
  });

  test('is the output HttpApiURL, the root of its $default stage', () => {
    const output = templateJson().Outputs.HttpApiURL;
    expect(output.Description).toMatch(/behind an API Gateway HTTP API/);
    expect(output.Value['Fn::Join'][1]).toEqual(['https://', apiId(), '.execute-api.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }, '/']);
  });
});

describe("chapter 10's one function behind its function URL", () => {
  const fnPath = `ServerlessBlog/OneFunction/${d.oneFunction.name}/Function/`;
  const fnArn = () => getAtt(logicalIdAt(`${fnPath}Resource`), 'Arn');
  const live = () => liveAlias(`ServerlessBlog/OneFunction/${d.oneFunction.name}`);
  const url = `ServerlessBlog/OneFunction/${d.oneFunction.name}/Live/FunctionUrl/Resource`;

  test('is public and buffered, with no CORS configuration, and invokes the alias', () => {
    expect(resourceAt(url).Properties).toEqual({
      AuthType: d.functionUrl.authType,
      InvokeMode: d.functionUrl.invokeMode,
      TargetFunctionArn: fnArn(),
      Qualifier: d.operating.functionAlias.name,
    });
  });

  test('anyone may invoke the function through its URL, and only through it: the two statements AWS requires since October 2025', () => {
    const permissions = Object.values(resourcesOfType('AWS::Lambda::Permission')).filter(
      (p: any) => JSON.stringify(p.Properties.FunctionName) === JSON.stringify(live()) && p.Properties.Principal === '*',
    );
    // On the alias: a URL with a qualifier is authorized by the alias's resource policy.
    expect(permissions.map((p: any) => p.Properties)).toEqual(
      expect.arrayContaining([
        { Action: 'lambda:InvokeFunctionUrl', FunctionName: live(), FunctionUrlAuthType: 'NONE', Principal: '*' },
        { Action: 'lambda:InvokeFunction', FunctionName: live(), InvokedViaFunctionUrl: true, Principal: '*' },
      ]),
    );
    expect(permissions).toHaveLength(2);
  });

  test('is the output AllRoutesFunctionURL', () => {
    const output = templateJson().Outputs.AllRoutesFunctionURL;
    expect(output.Description).toMatch(/behind its function URL/);
    expect(output.Value).toEqual(getAtt(logicalIdAt(url), 'FunctionUrl'));
  });
});

describe('with -c allowedCidr', () => {
  test('leaves out both doors, which no resource policy can limit to the range', () => {
    const template = synthesizeVariant({ allowedCidr: '203.0.113.0/24' }).toJSON();
    const types = Object.values(template.Resources).map((r: any) => r.Type);
    expect(types).not.toContain('AWS::ApiGatewayV2::Api');
    expect(types).not.toContain('AWS::Lambda::Url');
    expect(Object.keys(template.Outputs)).not.toEqual(expect.arrayContaining(['HttpApiURL']));
    expect(Object.keys(template.Outputs)).not.toEqual(expect.arrayContaining(['AllRoutesFunctionURL']));
  });
});
