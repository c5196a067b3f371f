/** Handlers of spec/platform/governance.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { policySimulationActions } from '../governance/policy-simulation.ts';
import { settingsDocument } from '../settings/settings-documents.ts';

const governanceSettings = settingsDocument('governance');

export const governanceHandlers = {
  'governance.getGovernanceSettings': governanceSettings.get,
  'governance.simulateRlsPolicy': policySimulationActions.simulateRlsPolicy,
  'governance.updateGovernanceSettings': governanceSettings.patch,
} satisfies Partial<PlatformHandlers>;
