/**
 * `macaroon completion bash|zsh|fish`: a completion script for the shell, generated from the command
 * table (names, summaries and options), so it never falls behind the commands.
 */
import {
  type Args,
  type Command,
  type Context,
  EXIT_OK,
  expectPositionals,
  type OptionSpec,
  UsageError,
} from '../command.js';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

const help = `Usage: macaroon completion bash|zsh|fish

Prints a completion script for the shell: commands, their options, and file names where an option takes
a path.

  bash    eval "$(macaroon completion bash)" in ~/.bashrc
  zsh     macaroon completion zsh > "\${fpath[1]}/_macaroon" (or eval "$(macaroon completion zsh)")
  fish    macaroon completion fish > ~/.config/fish/completions/macaroon.fish
  -h, --help   this help
`;

function optionNames(command: Command): string[] {
  const names: string[] = [];
  for (const [name, spec] of Object.entries(command.options) as [string, OptionSpec][]) {
    names.push(`--${name}`);
    if (spec.short) names.push(`-${spec.short}`);
  }
  names.push('--help', '-h');
  return names;
}

/** Text in single quotes for sh-like shells and fish. */
const quote = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

function bash(commands: readonly Command[]): string {
  const cases = commands.map((c) => `    ${c.name}) opts=${quote(optionNames(c).join(' '))} ;;`).join('\n');
  return `# bash completion for macaroon: eval "$(macaroon completion bash)"
_macaroon() {
  local cur=\${COMP_WORDS[COMP_CWORD]} opts
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W ${quote([...commands.map((c) => c.name), 'help'].join(' '))} -- "$cur"))
    return
  fi
  case "\${COMP_WORDS[1]}" in
${cases}
    help) COMPREPLY=($(compgen -W ${quote(commands.map((c) => c.name).join(' '))} -- "$cur")); return ;;
    *) opts='' ;;
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); fi
}
complete -o default -F _macaroon macaroon
`;
}

function zsh(commands: readonly Command[]): string {
  const described = commands
    .map((c) => `    ${quote(`${c.name}:${c.summary.replace(/:/g, '\\:')}`)}`)
    .join('\n');
  const cases = commands
    .map((c) => `    ${c.name}) compadd -- ${optionNames(c).map(quote).join(' ')} ;;`)
    .join('\n');
  return `#compdef macaroon
# zsh completion for macaroon: macaroon completion zsh > "\${fpath[1]}/_macaroon"
_macaroon() {
  local -a commands
  commands=(
${described}
    'help:help on a command'
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  if [[ $PREFIX == -* ]]; then
    case $words[2] in
${cases}
    esac
  else
    _files
  fi
}
if [[ $zsh_eval_context[-1] == loadautofunc ]]; then _macaroon "$@"; else compdef _macaroon macaroon; fi
`;
}

function fish(commands: readonly Command[]): string {
  const lines = [
    '# fish completion for macaroon: macaroon completion fish > ~/.config/fish/completions/macaroon.fish',
  ];
  const names = commands.map((c) => c.name).join(' ');
  lines.push(
    `complete -c macaroon -n ${quote(`not __fish_seen_subcommand_from ${names} help`)} -f -a help -d ${quote('help on a command')}`,
  );
  for (const c of commands) {
    lines.push(
      `complete -c macaroon -n ${quote(`not __fish_seen_subcommand_from ${names} help`)} -f -a ${c.name} -d ${quote(c.summary)}`,
    );
    for (const [name, spec] of Object.entries(c.options) as [string, OptionSpec][]) {
      const takesFile = name.endsWith('-file') || name === 'file';
      const kind = spec.type === 'string' ? (takesFile ? ' -r -F' : ' -r') : '';
      const short = spec.short ? ` -s ${spec.short}` : '';
      lines.push(
        `complete -c macaroon -n ${quote(`__fish_seen_subcommand_from ${c.name}`)} -l ${name}${short}${kind}`,
      );
    }
  }
  return `${lines.join('\n')}\n`;
}

const SCRIPTS: Record<Shell, (commands: readonly Command[]) => string> = { bash, zsh, fish };

/** The completion command, given the command table it completes (which includes itself). */
export function completionCommand(commands: () => readonly Command[]): Command {
  return {
    name: 'completion',
    summary: 'print a completion script for bash, zsh or fish',
    help,
    options: {},
    async run(args: Args, ctx: Context): Promise<number> {
      expectPositionals(args, 1, 1, 'SHELL');
      const shell = args.positionals[0];
      if (!SHELLS.includes(shell as Shell)) {
        throw new UsageError(`SHELL must be bash, zsh or fish, not ${JSON.stringify(shell)}`);
      }
      ctx.stdout(SCRIPTS[shell as Shell](commands()));
      return EXIT_OK;
    },
  };
}
