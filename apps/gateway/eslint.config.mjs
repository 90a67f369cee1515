// The workspace's config, plus this package's bench build (compiled output, outside the TS project).
import root from '../../eslint.config.mjs';

export default [...root, { ignores: ['dist-bench/**'] }];
