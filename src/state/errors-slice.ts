import { describeError } from '../../common/error-names';
import type { FieldErrors } from './sampling';
import type { SliceCreator } from './store-types';

export interface BannerError {
  name: string;
  message: string;
  /** Offered as a Retry button when repeating the action can help. */
  retry: (() => void) | null;
  /** Another way to go on, e.g. the local model when the remote server fails (and back). */
  offer: BannerOffer | null;
}

export interface BannerOffer {
  label: string;
  run: () => void;
}

export interface ErrorsState {
  banner: BannerError | null;
  /** Per sampling field: the client check's or the engine's message. */
  fields: FieldErrors;
}

export interface ErrorsSlice {
  errors: ErrorsState;
  errorShown(error: { name: string; message: string }, retry?: (() => void) | null, offer?: BannerOffer | null): void;
  errorDismissed(): void;
  fieldErrorsSet(fields: FieldErrors): void;
}

/** Only name and message are shown: an Error's toString or stack is never user-facing. */
export { describeError };

export const createErrorsSlice: SliceCreator<ErrorsSlice> = (set) => ({
  errors: { banner: null, fields: {} },
  errorShown: (error, retry = null, offer = null) =>
    set((s) => ({ errors: { ...s.errors, banner: { name: error.name, message: error.message, retry, offer } } })),
  errorDismissed: () => set((s) => ({ errors: { ...s.errors, banner: null } })),
  fieldErrorsSet: (fields) => set((s) => ({ errors: { ...s.errors, fields } })),
});
