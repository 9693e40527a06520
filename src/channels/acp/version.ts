/** The ACP version this binding speaks (the spec shipped in ../shared/specs/acp-2026-04-17). */
export const ACP_VERSION = '2026-04-17';
/** Newest first, as the spec's `supported_versions` wants them. */
export const ACP_SUPPORTED_VERSIONS = [ACP_VERSION];
