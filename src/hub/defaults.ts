/** The Hub endpoint by default, alone so that `push --help` shows it without loading the Hub client. */
export const DEFAULT_HUB_URL = 'https://huggingface.co';
