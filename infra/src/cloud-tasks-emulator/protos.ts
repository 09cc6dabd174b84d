import { createRequire } from 'node:module';
import { join } from 'node:path';
import { loadPackageDefinition, type ServiceDefinition } from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';

/**
 * How decoded messages look to the handlers: camelCase fields, enums as names, int64 as strings,
 * bytes as Buffers, and the virtual oneof field (`messageType`) set.
 */
const LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: String,
  enums: String,
  defaults: false,
  oneofs: true,
};

/**
 * The .proto files come from the installed client: @google-cloud/tasks ships the Cloud Tasks
 * protos, and the google-gax it depends on ships the google/api, google/iam, google/rpc and
 * google/protobuf files they import. Resolving gax from the tasks package keeps the two in step.
 */
function protoIncludeDirs(): string[] {
  const require = createRequire(import.meta.url);
  const tasksEntry = require.resolve('@google-cloud/tasks');
  const tasksRoot = tasksEntry.slice(0, tasksEntry.lastIndexOf(join('build', 'cjs')));
  const gaxEntry = createRequire(tasksEntry).resolve('google-gax');
  const gaxRoot = gaxEntry.slice(0, gaxEntry.lastIndexOf(join('build', 'src')));
  return [join(tasksRoot, 'build', 'protos'), join(gaxRoot, 'build', 'protos')];
}

let cached: ServiceDefinition | undefined;

/** The `google.cloud.tasks.v2.CloudTasks` service definition, loaded once per process. */
export function cloudTasksServiceDefinition(): ServiceDefinition {
  if (cached !== undefined) return cached;
  const definition = loadSync('google/cloud/tasks/v2/cloudtasks.proto', {
    ...LOADER_OPTIONS,
    includeDirs: protoIncludeDirs(),
  });
  // The loaded object is a nested namespace tree; grpc-js types it loosely.
  const root = loadPackageDefinition(definition) as unknown as {
    google: { cloud: { tasks: { v2: { CloudTasks: { service: ServiceDefinition } } } } };
  };
  cached = root.google.cloud.tasks.v2.CloudTasks.service;
  return cached;
}
