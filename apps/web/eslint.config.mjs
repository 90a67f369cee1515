// Extends the workspace's type-aware config with the React hooks rules.
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';
import root from '../../eslint.config.mjs';

export default tseslint.config(
  ...root,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
  },
  {
    files: ['src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    // Plain JS scripts (e2e/ensure-chromium.mjs) are not part of a TS project.
    files: ['**/*.{js,mjs,cjs}'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: {
      ...tseslint.configs.disableTypeChecked.languageOptions,
      globals: { process: 'readonly', console: 'readonly' },
    },
  },
);
