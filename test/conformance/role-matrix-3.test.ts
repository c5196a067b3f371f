// Role matrix, slice 3 of 4 of the LOOP catalogue's modules (see lib/role-suite.ts and lib/catalogue.ts shardModules).
import { loadService, shardModules } from './lib/catalogue.ts';
import { roleMatrixSuite } from './lib/role-suite.ts';

const service = await loadService('loop');
roleMatrixSuite(service, shardModules(service, 3, 4));
