// Build it, chapter 6: the exercise's test. Jest runs it only with BLOG_BUILD_IT=1
// (`BLOG_BUILD_IT=1 npx jest test/build-it`), and it fails until the reader's change is made.
import { blogTemplate } from '../support/template';

describe('Build it, chapter 6', () => {
  test('the table deletes posts whose expires_at has passed', () => {
    blogTemplate().hasResourceProperties('AWS::DynamoDB::Table', {
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
    });
  });
});
