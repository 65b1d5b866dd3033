import { useAppStore } from '../state/hooks';
import { parseSampling, type SamplingField } from '../state/sampling';

interface FieldSpec {
  field: SamplingField;
  label: string;
  help: string;
  inputMode: 'decimal' | 'numeric';
}

const FIELDS: readonly FieldSpec[] = [
  { field: 'temperature', label: 'Temperature', help: '0 = greedy, up to 5', inputMode: 'decimal' },
  { field: 'topK', label: 'Top-k', help: '0 disables', inputMode: 'numeric' },
  { field: 'topP', label: 'Top-p', help: 'above 0, at most 1; 1 disables', inputMode: 'decimal' },
  { field: 'maxTokens', label: 'Max tokens', help: '1 to 100000', inputMode: 'numeric' },
  { field: 'repetitionPenalty', label: 'Repetition penalty', help: '0.1 to 10; 1 disables', inputMode: 'decimal' },
  { field: 'seed', label: 'Seed', help: 'empty = random each time', inputMode: 'numeric' },
];

/**
 * Sampling settings. Each change is checked with the same limits as the engine;
 * if the engine still rejects a request, its InvalidParams message lands on the
 * field it names (see chat-actions).
 */
export function SamplingForm() {
  const draft = useAppStore((s) => s.settings.sampling);
  const errors = useAppStore((s) => s.errors.fields);
  const samplingChanged = useAppStore((s) => s.samplingChanged);
  const fieldErrorsSet = useAppStore((s) => s.fieldErrorsSet);

  const change = (field: SamplingField, value: string) => {
    samplingChanged(field, value);
    fieldErrorsSet(parseSampling({ ...draft, [field]: value }).errors);
  };

  return (
    <fieldset className="sampling">
      <legend>Sampling</legend>
      <div className="field-grid">
        {FIELDS.map(({ field, label, help, inputMode }) => (
          <div className="field" key={field}>
            <label htmlFor={`sampling-${field}`}>{label}</label>
            <input
              id={`sampling-${field}`}
              type="text"
              inputMode={inputMode}
              value={draft[field]}
              onChange={(e) => change(field, e.target.value)}
              aria-invalid={errors[field] ? true : undefined}
              aria-describedby={`sampling-${field}-help`}
            />
            <small id={`sampling-${field}-help`} className={errors[field] ? 'field-error' : 'field-help'}>
              {errors[field] ?? help}
            </small>
          </div>
        ))}
      </div>
      <div className="field">
        <label htmlFor="sampling-stop">Stop sequences</label>
        <textarea
          id="sampling-stop"
          rows={2}
          value={draft.stop}
          onChange={(e) => change('stop', e.target.value)}
          aria-invalid={errors.stop ? true : undefined}
          aria-describedby="sampling-stop-help"
        />
        <small id="sampling-stop-help" className={errors.stop ? 'field-error' : 'field-help'}>
          {errors.stop ?? 'One per line, up to 8'}
        </small>
      </div>
    </fieldset>
  );
}
