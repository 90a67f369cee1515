import type { CodegenConfig } from '@graphql-codegen/cli';

/** Schema-level TypeScript types (enums, inputs, objects) from the SDL the api emits. */
const config: CodegenConfig = {
  schema: './schema.graphql',
  generates: {
    './src/generated/types.ts': {
      plugins: ['typescript'],
      config: {
        enumsAsTypes: true,
        scalars: { DateTime: 'string', SafeInt: 'number' },
        avoidOptionals: { field: true, inputValue: false },
      },
    },
  },
};

export default config;
