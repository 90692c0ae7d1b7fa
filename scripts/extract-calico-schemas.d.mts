// Types for the extraction script, so tests can import it.
export declare const CALICO_VERSION: string;
export declare const DEFAULT_CRD_DIR: string;
export declare const DEFAULT_OUT: string;
export declare const POLICY_CRDS: Record<string, string>;
export declare function extractCalicoSchemas(crdDir?: string): {
  $comment: string;
  calicoVersion: string;
  apiVersion: string;
  kinds: Record<string, { scope: string; schema: unknown }>;
};
