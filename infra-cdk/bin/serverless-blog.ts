#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { ServerlessBlogStack } from '../lib/serverless-blog-stack';

const app = new App();

// No `env`: the stack is environment-agnostic, so synthesis looks nothing up in an AWS account
// and the one template deploys to whichever account and region `cdk deploy` is given.
new ServerlessBlogStack(app, 'ServerlessBlog');

// cdk-nag's AWS Solutions rules check every resource when the app is synthesized. A finding that
// is not acknowledged on its construct, with a reason, fails `cdk synth`.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
