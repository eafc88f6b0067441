// Where CreateFunction / UpdateFunctionCode get the code: Code.ZipFile (base64 zip, unpacked into a
// managed folder) or a local folder named like LocalStack's hot-reload bucket: S3Bucket
// "ephemera-local" (or "hot-reload") with S3Key = the folder's absolute path. Anything else AWS-shaped fails.
import { statSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import { InvalidParameterValueException, RequestEntityTooLargeException } from '../errors.ts';
import type { CodeFacts } from '../registry/code-store.ts';
import type { Registry } from '../registry/registry.ts';
import type { Body } from './function-input.ts';

/** AWS's request size limit for CreateFunction / UpdateFunctionCode (a 50 MB zip, base64-encoded). */
export const CODE_REQUEST_LIMIT = 69_905_067;
const ZIPPED_LIMIT = 52_428_800;
/** Bucket names that mean "this local folder". */
export const LOCAL_BUCKETS = new Set(['ephemera-local', 'hot-reload']);

export interface CodeSource {
  dir: string;
  /** Known for uploads (the zip's hash and size); computed from the folder otherwise. */
  code?: CodeFacts;
}

export function tooLargeForCode(operation: 'CreateFunction' | 'UpdateFunctionCode'): RequestEntityTooLargeException {
  return new RequestEntityTooLargeException(`Request must be smaller than ${CODE_REQUEST_LIMIT} bytes for the ${operation} operation`);
}

/** `code` is CreateFunction's Code object, or UpdateFunctionCode's body (same keys at the top level). */
export function readCode(reg: Registry, functionName: string, code: Body): CodeSource {
  if (typeof code.ZipFile === 'string' && code.ZipFile !== '') {
    const zip = Buffer.from(code.ZipFile, 'base64');
    if (zip.length > ZIPPED_LIMIT) throw new RequestEntityTooLargeException(`Zipped size must be smaller than ${ZIPPED_LIMIT} bytes`);
    return reg.code.unzip(functionName, zip);
  }
  if (typeof code.S3Bucket === 'string' && code.S3Bucket !== '') {
    if (!LOCAL_BUCKETS.has(code.S3Bucket)) {
      throw new InvalidParameterValueException(
        'Error occurred while GetObject. S3 Error Code: NoSuchBucket. S3 Error Message: The specified bucket does not exist ' +
          '(ephemera has no S3: upload Code.ZipFile, or name a local folder with S3Bucket "ephemera-local" and S3Key "/absolute/path")',
      );
    }
    const dir = typeof code.S3Key === 'string' ? code.S3Key : '';
    const st = isAbsolute(dir) ? statSync(dir, { throwIfNoEntry: false }) : undefined;
    if (!st?.isDirectory()) {
      throw new InvalidParameterValueException(
        `Error occurred while GetObject. S3 Error Code: NoSuchKey. S3 Error Message: The specified key does not exist. (bucket ${code.S3Bucket}: S3Key must be the absolute path of an existing folder; got ${JSON.stringify(code.S3Key)})`,
      );
    }
    return { dir };
  }
  if (code.ImageUri !== undefined) {
    throw new InvalidParameterValueException('Container image functions (ImageUri) are not supported by ephemera: use a Zip package (Code.ZipFile or a local folder).');
  }
  throw new InvalidParameterValueException('Please provide a source for function code.');
}
