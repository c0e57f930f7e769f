import type { Rule } from '../lint/types.js';
import { asyncContextLoss } from './async-context-loss.js';
import { attributeCount } from './attribute-count.js';
import { childBeforeParent } from './child-before-parent.js';
import { clockSkew } from './clock-skew.js';
import { deprecatedAttribute } from './deprecated-attribute.js';
import { droppedBatch } from './dropped-batch.js';
import { droppedData } from './dropped-data.js';
import { duplicateSpanId } from './duplicate-span-id.js';
import { errorWithoutDetails } from './error-without-details.js';
import { eventOutsideSpan } from './event-outside-span.js';
import { expectation } from './expectation.js';
import { highCardinalitySpanName } from './high-cardinality-span-name.js';
import { implausibleTimestamp } from './implausible-timestamp.js';
import { incompleteSpan } from './incomplete-span.js';
import { invalidId } from './invalid-id.js';
import { lostPropagation } from './lost-propagation.js';
import { missingRoot } from './missing-root.js';
import { missingServiceName } from './missing-service-name.js';
import { missingServiceSpans } from './missing-service-spans.js';
import { multipleRoots } from './multiple-roots.js';
import { negativeDuration } from './negative-duration.js';
import { orphanSpan } from './orphan-span.js';
import { parentCycle } from './parent-cycle.js';
import { pii } from './pii.js';
import { samplingFlagMismatch } from './sampling-flag-mismatch.js';
import { unlinkedConsumer } from './unlinked-consumer.js';
import { uninstrumentedClient } from './uninstrumented-client.js';
import { unsampledSpanRecorded } from './unsampled-span-recorded.js';
import { oversizedAttribute } from './oversized-attribute.js';

/**
 * Every rule, in the order `tracelint rules` lists them. One file per rule,
 * named by its id; helpers shared by rules live in ./support, data in ./data.
 */
export const RULES: readonly Rule[] = [
  // propagation, ids and structure
  orphanSpan,
  multipleRoots,
  missingRoot,
  lostPropagation,
  uninstrumentedClient,
  asyncContextLoss,
  unlinkedConsumer,
  duplicateSpanId,
  invalidId,
  parentCycle,
  // timing
  clockSkew,
  childBeforeParent,
  negativeDuration,
  implausibleTimestamp,
  incompleteSpan,
  eventOutsideSpan,
  // sampling and loss
  samplingFlagMismatch,
  unsampledSpanRecorded,
  missingServiceSpans,
  droppedData,
  droppedBatch,
  // hygiene
  pii,
  attributeCount,
  oversizedAttribute,
  highCardinalitySpanName,
  errorWithoutDetails,
  missingServiceName,
  deprecatedAttribute,
  // the user's own expectations (check --expect)
  expectation,
] as Rule[];
