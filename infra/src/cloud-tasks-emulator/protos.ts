import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
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

const TASKS_PROTO = 'google/cloud/tasks/v2/cloudtasks.proto';

/** The nearest directory at or above `from` that holds `relativePath`. */
function ancestorHolding(from: string, relativePath: string): string {
  for (let dir = dirname(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, relativePath))) return dir;
    if (dirname(dir) === dir) throw new Error(`no ${relativePath} above ${from}`);
  }
}

/**
 * The .proto files come from the installed client: @google-cloud/tasks ships the Cloud Tasks
 * protos, and the google-gax it depends on ships the google/api, google/iam, google/rpc and
 * google/protobuf files they import. Resolving gax from the tasks package keeps the two in step.
 */
function protoIncludeDirs(): string[] {
  const tasksEntry = createRequire(import.meta.url).resolve('@google-cloud/tasks');
  const tasksProtos = join(ancestorHolding(tasksEntry, join('build', 'protos', TASKS_PROTO)), 'build', 'protos');
  const gaxEntry = createRequire(tasksEntry).resolve('google-gax');
  const gaxProtos = join(
    ancestorHolding(gaxEntry, join('build', 'protos', 'google', 'api', 'annotations.proto')),
    'build',
    'protos',
  );
  return [tasksProtos, gaxProtos];
}

let cached: ServiceDefinition | undefined;

/** The `google.cloud.tasks.v2.CloudTasks` service definition, loaded once per process. */
export function cloudTasksServiceDefinition(): ServiceDefinition {
  if (cached !== undefined) return cached;
  const definition = loadSync(TASKS_PROTO, {
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
