// Imported first by specs that lay files in STORAGE_DIR by hand (retention's orphan sweep):
// they use the local-folder store; the other stores keep the same contract (blob-storage.e2e-spec.ts).
process.env.BLOB_STORE = 'disk';
