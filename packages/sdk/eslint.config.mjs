// The workspace's config, plus this package's build script (plain ESM, outside the TS project).
import root from '../../eslint.config.mjs';

export default [...root, { ignores: ['scripts/**', 'dist-bench/**', 'test/fixtures/**'] }];
