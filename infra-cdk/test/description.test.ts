import * as fs from 'node:fs';
import * as path from 'node:path';
import { DescriptionError, loadDescription } from '../lib/description';
import { GENERATED_DESCRIPTION, SAMPLE_DESCRIPTION, changedDescription, testDir } from './support/synth';

describe('the stack description', () => {
  test('the sample loads with every field the stack uses', () => {
    const d = loadDescription(SAMPLE_DESCRIPTION);
    expect(d.stage).toBe('Prod');
    expect(d.table.partitionKey).toEqual({ name: 'id', type: 'S' });
    expect(d.functions.each.map((f) => f.name)).toEqual(['get-posts', 'create-post', 'get-post', 'delete-post']);
    expect(d.container.port).toBe(8080);
    expect(d.container.serverIdleTimeoutSeconds).toBe(75);
    expect(d.container.loadBalancerIdleTimeoutSeconds).toBe(60);
    expect(d.headers.everyResponse['access-control-allow-origin']).toBe('*');
    expect(d.package).toEqual({
      dir: 'target/package',
      functionZip: 'functions/{name}.zip',
      layerZip: 'layers/{name}.zip',
      imageContext: 'image',
      command: 'cargo xtask package',
    });
  });

  test('the openapi.json the Rust workspace generates loads: the stack can read it', () => {
    // Not the sample: the real file at the workspace root, as `cdk synth` reads it by default.
    const d = loadDescription(GENERATED_DESCRIPTION);
    expect(d.functions.each.length).toBeGreaterThan(0);
    expect(d.container.loadBalancerIdleTimeoutSeconds).toBeLessThan(d.container.serverIdleTimeoutSeconds);
  });

  test('a missing file is an error that says the Rust workspace generates it', () => {
    expect(() => loadDescription('/nonexistent/openapi.json')).toThrow(
      /\/nonexistent\/openapi.json does not exist\. The Rust workspace generates it/,
    );
  });

  test('a file that is not JSON is an error naming the file', () => {
    const file = path.join(testDir(), 'not-json.json');
    fs.writeFileSync(file, '{ not json');
    expect(() => loadDescription(file)).toThrow(new RegExp(`${file} is not JSON`));
  });

  test('a document without the extension is an error naming it', () => {
    const file = path.join(testDir(), 'plain-openapi.json');
    fs.writeFileSync(file, JSON.stringify({ openapi: '3.1.0', paths: {} }));
    expect(() => loadDescription(file)).toThrow(/x-blog-deployment is missing/);
  });

  test('a missing field is an error naming the file and the field', () => {
    const file = changedDescription((d) => delete d.functions.each[2].method);
    expect(() => loadDescription(file)).toThrow(DescriptionError);
    expect(() => loadDescription(file)).toThrow(`${file}: x-blog-deployment.functions.each[2].method is missing`);
  });

  test('a field of the wrong kind is an error saying what was found', () => {
    const file = changedDescription((d) => (d.container.port = '8080'));
    expect(() => loadDescription(file)).toThrow(
      'x-blog-deployment.container.port must be a positive whole number, found "8080"',
    );
  });

  test('a DynamoDB action with a wildcard is rejected', () => {
    const file = changedDescription((d) => (d.container.dynamodb[0].action = 'dynamodb:*'));
    expect(() => loadDescription(file)).toThrow(/container\.dynamodb\[0\]\.action must be one DynamoDB action/);
  });

  test("sending the blog's spans needs the functions' active tracing, and a ratio of at most 1", () => {
    const passThrough = changedDescription((d) => (d.operating.tracing.functions = 'PassThrough'));
    expect(() => loadDescription(passThrough)).toThrow(/operating\.tracing\.exportSpans needs operating\.tracing\.functions "Active"/);
    const tooMuch = changedDescription((d) => (d.operating.tracing.containerRatio = 1.5));
    expect(() => loadDescription(tooMuch)).toThrow('x-blog-deployment.operating.tracing.containerRatio must be a share from 0 to 1, found 1.5');
    const noRegion = changedDescription((d) => (d.operating.tracing.endpoint = 'https://xray.eu-west-1.amazonaws.com/v1/traces'));
    expect(() => loadDescription(noRegion)).toThrow(/operating\.tracing\.endpoint must be an https URL with \{region\}/);
  });

  test('a permission on an index the table does not have is rejected', () => {
    const file = changedDescription((d) => (d.functions.each[0].dynamodb[0].index = 'by_author'));
    expect(() => loadDescription(file)).toThrow(/functions\.each\[0\]\.dynamodb\[0\]\.index names "by_author"/);
  });

  test("the one function's grants must hold every grant of the four: it runs every route", () => {
    const file = changedDescription((d) => {
      d.oneFunction.dynamodb = d.oneFunction.dynamodb.filter((p: { action: string }) => p.action !== 'dynamodb:DeleteItem');
    });
    expect(() => loadDescription(file)).toThrow(/oneFunction\.dynamodb lacks dynamodb:DeleteItem on table/);
  });

  test('the one function is reached through a greedy path variable, and its name is not one of the four', () => {
    expect(() => loadDescription(changedDescription((d) => (d.oneFunction.resource = '/blog')))).toThrow(
      /oneFunction\.resource must be a greedy path variable such as \/\{proxy\+\}, found "\/blog"/,
    );
    expect(() => loadDescription(changedDescription((d) => (d.oneFunction.name = 'get-post')))).toThrow(
      /oneFunction\.name "get-post" is also one of functions\.each/,
    );
  });

  test("the web adapter's function holds every grant of the four, and is not named like another function", () => {
    const file = changedDescription((d) => {
      d.webAdapter.dynamodb = d.webAdapter.dynamodb.filter((p: { action: string }) => p.action !== 'dynamodb:Query');
    });
    expect(() => loadDescription(file)).toThrow(/webAdapter\.dynamodb lacks dynamodb:Query on index feed/);
    expect(() => loadDescription(changedDescription((d) => (d.webAdapter.name = 'all-routes')))).toThrow(
      /webAdapter\.name "all-routes" is also oneFunction\.name/,
    );
    expect(() => loadDescription(changedDescription((d) => (d.webAdapter.resource = '/{id}')))).toThrow(
      /webAdapter\.resource must be a greedy path variable/,
    );
  });

  test("the HTTP API's routes each invoke one of the four, and each function has its own route", () => {
    expect(() =>
      loadDescription(changedDescription((d) => (d.httpApi.routes[0].function = 'all-routes'))),
    ).toThrow(/httpApi\.routes\[0\]\.function "all-routes" is not one of functions\.each/);
    expect(() =>
      loadDescription(changedDescription((d) => d.httpApi.routes.splice(1, 1))),
    ).toThrow(/httpApi\.routes has no route POST \/blog to create-post/);
    expect(() =>
      loadDescription(changedDescription((d) => d.httpApi.routes.push({ ...d.httpApi.routes[0] }))),
    ).toThrow(/routeKey "GET \/blog" appears twice/);
    expect(() =>
      loadDescription(changedDescription((d) => (d.httpApi.routes[0].routeKey = 'GET blog'))),
    ).toThrow(/a method and a path such as GET \/blog/);
  });

  test('the function URL belongs to the one function, public and buffered', () => {
    expect(() => loadDescription(changedDescription((d) => (d.functionUrl.function = 'get-post')))).toThrow(
      /functionUrl\.function "get-post" is not oneFunction\.name/,
    );
    expect(() => loadDescription(changedDescription((d) => (d.functionUrl.invokeMode = 'RESPONSE_STREAM')))).toThrow(
      /functionUrl\.invokeMode/,
    );
  });

  test("chapter 11's export is a function of its own, on a resource of its own, streamed", () => {
    expect(() => loadDescription(changedDescription((d) => (d.export.name = 'get-posts')))).toThrow(
      /export\.name "get-posts" is already the name of another function/,
    );
    expect(() => loadDescription(changedDescription((d) => (d.export.resource = '/blog')))).toThrow(
      /export\.resource "\/blog" is one of resources\[\]\.path/,
    );
    expect(() => loadDescription(changedDescription((d) => (d.export.transferMode = 'BUFFERED')))).toThrow(/export\.transferMode/);
    expect(() => loadDescription(changedDescription((d) => (d.export.functionUrl.invokeMode = 'BUFFERED')))).toThrow(
      /export\.functionUrl\.invokeMode/,
    );
  });

  test('the adapter must call the port the server listens on', () => {
    expect(() => loadDescription(changedDescription((d) => (d.webAdapter.environment.AWS_LWA_PORT = '3000')))).toThrow(
      /webAdapter\.environment sets AWS_LWA_PORT to 3000 and PORT to 8080: the adapter would call a port the server does not listen on/,
    );
    expect(() => loadDescription(changedDescription((d) => delete d.webAdapter.environment.PORT))).toThrow(
      /sets AWS_LWA_PORT to 8080 and PORT to nothing/,
    );
  });

  test('a function on a path that is not a resource is rejected', () => {
    const file = changedDescription((d) => (d.functions.each[0].resource = '/posts'));
    expect(() => loadDescription(file)).toThrow(/functions\.each\[0\]\.resource "\/posts" is not one of resources/);
  });

  test('an Allow header that does not match the methods of its path is rejected', () => {
    const file = changedDescription((d) => (d.resources[0].allow = 'GET, OPTIONS'));
    expect(() => loadDescription(file)).toThrow(/resources\[0\]\.allow is "GET, OPTIONS", but \/blog answers GET, POST, OPTIONS/);
  });

  test('an environment that sets the table variable itself is rejected', () => {
    const file = changedDescription((d) => (d.functions.environment.TABLE_NAME = 'ServerlessBlog'));
    expect(() => loadDescription(file)).toThrow(/functions\.environment sets TABLE_NAME/);
  });

  test('an environment that sets the allowed origin itself is rejected: -c allowedOrigin sets it', () => {
    const file = changedDescription((d) => (d.container.environment.CORS_ALLOW_ORIGIN = 'https://example.com'));
    expect(() => loadDescription(file)).toThrow(/container\.environment sets CORS_ALLOW_ORIGIN, which the stack sets from the allowed origin/);
  });

  test('a load balancer idle timeout as long as the server one is rejected (the load balancer would answer 502)', () => {
    const file = changedDescription((d) => (d.container.loadBalancerIdleTimeoutSeconds = d.container.serverIdleTimeoutSeconds));
    expect(() => loadDescription(file)).toThrow(
      `${file}: x-blog-deployment.container.loadBalancerIdleTimeoutSeconds (75) must be shorter than ` +
        'container.serverIdleTimeoutSeconds (75), or the load balancer may reuse a connection the server has just closed and answer 502',
    );
  });

  test('a description of the earlier shape (one idle timeout, a cors list) is an error naming the new field', () => {
    const file = changedDescription((d) => {
      d.container.idleTimeoutSeconds = d.container.serverIdleTimeoutSeconds;
      delete d.container.serverIdleTimeoutSeconds;
      delete d.container.loadBalancerIdleTimeoutSeconds;
      d.cors = { allowOrigins: ['*'] };
    });
    expect(() => loadDescription(file)).toThrow('x-blog-deployment.container.serverIdleTimeoutSeconds is missing');
  });

  test('answers without access-control-allow-origin are rejected: it names the one origin allowed', () => {
    const file = changedDescription((d) => delete d.headers.everyResponse['access-control-allow-origin']);
    expect(() => loadDescription(file)).toThrow(/headers\.everyResponse has no access-control-allow-origin/);
  });

  test.each(['https://a.example, https://b.example', 'https://a.example https://b.example', 'a.example'])(
    'an access-control-allow-origin of %j, not one origin, is rejected',
    (origin) => {
      const file = changedDescription((d) => (d.headers.everyResponse['access-control-allow-origin'] = origin));
      expect(() => loadDescription(file)).toThrow(/access-control-allow-origin is ".*": it must be one origin/);
    },
  );

  test('one origin other than * is accepted', () => {
    const file = changedDescription((d) => (d.headers.everyResponse['access-control-allow-origin'] = 'https://blog.example:8443'));
    expect(loadDescription(file).headers.everyResponse['access-control-allow-origin']).toBe('https://blog.example:8443');
  });

  test.each([
    ['dir', '/srv/package'],
    ['dir', '../elsewhere/package'],
    ['functionZip', '../functions/{name}.zip'],
    ['imageContext', 'image/../../image'],
  ])('a package.%s of %j, outside the workspace or the package folder, is rejected', (field, value) => {
    const file = changedDescription((d) => (d.package[field] = value));
    expect(() => loadDescription(file)).toThrow(`x-blog-deployment.package.${field} is "${value}": it must be a relative path with no .. segment`);
  });

  test('a package.functionZip without {name} is rejected', () => {
    const file = changedDescription((d) => (d.package.functionZip = 'functions/bootstrap.zip'));
    expect(() => loadDescription(file)).toThrow(/package\.functionZip must contain \{name\}/);
  });
});
