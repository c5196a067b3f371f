/** Handlers of spec/platform/files.yaml. */
import type { PlatformHandlers } from '../../../generated/platform/server/handlers.ts';
import { fileActions } from '../files/file-actions.ts';

export const filesHandlers = {
  'files.batchDeleteFiles': fileActions.batchDeleteFiles,
  'files.batchReadFileMetadata': fileActions.batchReadFileMetadata,
  'files.batchUpdateFileMetadata': fileActions.batchUpdateFileMetadata,
  'files.cleanStaleUploads': fileActions.cleanStaleUploads,
  'files.confirmPresignedUpload': fileActions.confirmPresignedUpload,
  'files.deleteFile': fileActions.deleteFile,
  'files.downloadFileContent': fileActions.downloadFileContent,
  'files.generateSignedUrl': fileActions.generateSignedUrl,
  'files.getFileMetadata': fileActions.getFileMetadata,
  'files.getImageVariant': fileActions.getImageVariant,
  'files.getPresignedUploadUrl': fileActions.getPresignedUploadUrl,
  'files.listFileVersions': fileActions.listFileVersions,
  'files.listFolders': fileActions.listFolders,
  'files.listTrashedFiles': fileActions.listTrashedFiles,
  'files.restoreDeletedFile': fileActions.restoreDeletedFile,
  'files.searchFiles': fileActions.searchFiles,
  'files.storageStatistics': fileActions.storageStatistics,
  'files.updateFileMetadata': fileActions.updateFileMetadata,
  'files.uploadFile': fileActions.uploadFile,
  'files.uploadFileContentToPresignedSlot': fileActions.uploadFileContentToPresignedSlot,
} satisfies Partial<PlatformHandlers>;
