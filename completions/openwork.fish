# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_openwork_global_optspecs
    string join \n w/workspace= json q/quiet no-color v/verbose h/help V/version
end

function __fish_openwork_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_openwork_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_openwork_using_subcommand
    set -l cmd (__fish_openwork_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c openwork -n "__fish_openwork_needs_command" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_needs_command" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_needs_command" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_needs_command" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_needs_command" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_needs_command" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_needs_command" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "plugins" -d 'List, add and remove plugins'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "mcp" -d 'List, add and remove MCP servers'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "skills" -d 'List, show, add and remove skills'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "commands" -d 'List, add and remove commands'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "config" -d 'Show or patch the OpenCode and OpenWork config'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "export" -d 'Export the workspace configuration as one JSON document'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "import" -d 'Import a document made by `openwork export`'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "doctor" -d 'Check the workspace the way OpenCode will load it, and say what to fix'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "audit" -d 'Show the audit log, newest first'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "journal" -d 'Discard a journal of an interrupted write that openwork refused'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "serve" -d 'Run the HTTP server for remote clients'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "approvals" -d 'Answer a running server\'s pending write approvals'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "completions" -d 'Print a shell completion script'
complete -c openwork -n "__fish_openwork_needs_command" -f -a "man" -d 'Write man pages'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -f -a "list" -d 'List the plugins OpenCode loads: config lists and plugin folders, one entry per plugin'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -f -a "add" -d 'Add plugins (npm specs, paths, file://, git and tarball URLs), or change a listed one\'s version'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and not __fish_seen_subcommand_from list add remove" -f -a "remove" -d 'Remove plugins by name (`@scope/name@1.2` matches `@scope/name`)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -l global -d 'Include user-wide plugins (~/.config/opencode)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -l if-exists -d 'A name that is not there is not an error: nothing to do for it'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand plugins; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "list" -d 'List the MCP servers OpenCode resolves (entries of every config file merged)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "get" -d 'Show one MCP server: every field of its config, and where it is set'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "add" -d 'Add (or replace) an MCP server: local with `-- CMD ARGS…`, remote with `--url`'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "add-json" -d 'Add (or replace) an MCP server from its JSON config'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "enable" -d 'Switch MCP servers on: `enabled` set in place where the project defines them'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "disable" -d 'Switch MCP servers off (`enabled: false`), keeping their config'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and not __fish_seen_subcommand_from list get add add-json enable disable remove" -f -a "remove" -d 'Remove MCP servers (one defined outside the project is switched off with {"enabled": false})'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -l global -d 'Include user-wide servers (~/.config/opencode)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l url -d 'Remote server URL, http:// or https:// (makes a remote server)' -r
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l header -d 'HTTP header for a remote server, as \'Key: Value\' or KEY=VALUE (repeatable)' -r
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -s e -l env -d 'Environment variable for a local server, as K=V (repeatable)' -r
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l timeout -d 'Timeout in milliseconds' -r
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l no-oauth -d 'Turn off OAuth for a remote server'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l disabled -d 'Add the server switched off'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from add-json" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from enable" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from disable" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l if-exists -d 'A name that is not there is not an error: nothing to do for it'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand mcp; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -f -a "list" -d 'List the skills OpenCode loads (.opencode, .claude, .agents up to the git root; skills.paths)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -f -a "show" -d 'Print a skill\'s SKILL.md'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -f -a "add" -d 'Add or replace a project skill from a file or standard input'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -f -a "edit" -d 'Edit a project skill\'s SKILL.md in $VISUAL or $EDITOR, then write it as `skills add` does'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and not __fish_seen_subcommand_from list show add edit remove" -f -a "remove" -d 'Remove project skills (each one\'s whole folder)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -l global -d 'Include user-wide skills (~/.config/opencode/skills, ~/.claude/skills)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s d -l description -d 'Description (the content\'s own frontmatter description wins)' -r
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s f -l file -d 'Read the content from this file instead of standard input' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from edit" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -l if-exists -d 'A name that is not there is not an error: nothing to do for it'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand skills; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -f -a "list" -d 'List the commands OpenCode loads in the workspace (nested ones as git/commit)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -f -a "show" -d 'Print a command\'s template (--json: the whole command, where it comes from)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -f -a "add" -d 'Add or replace a command (git/commit writes .opencode/commands/git/commit.md)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and not __fish_seen_subcommand_from list show add remove" -f -a "remove" -d 'Remove commands'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -l global -d 'Also list user-wide commands (~/.config/opencode/commands)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s t -l template -d 'The prompt template' -r
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s f -l file -d 'Read the template from a file (\'-\' for standard input)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s d -l description -r
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l agent -d 'Agent that runs the command' -r
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l model -d 'Model, as provider/model' -r
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l subtask -d 'Run as a subtask'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from add" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -l if-exists -d 'A name that is not there is not an error: nothing to do for it'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand commands; and __fish_seen_subcommand_from remove" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -f -a "show" -d 'Print the OpenCode and OpenWork config (as `GET …/config`)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -f -a "get" -d 'Print one OpenCode setting by its key (`share`, `mcp.chrome`, `models["gpt-4.1"]`)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -f -a "set" -d 'Set one OpenCode setting by its key, in place (comments kept), checked against OpenCode\'s schema'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -f -a "unset" -d 'Remove one OpenCode setting by its key, in place (comments kept)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and not __fish_seen_subcommand_from show get set unset patch" -f -a "patch" -d 'Set top-level OpenCode keys and/or shallow-merge OpenWork keys'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -l resolved -d 'Print what OpenCode makes of every file it reads (parents, user-wide, .opencode/), and those files'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -l resolved -d 'Read what OpenCode resolves from every file it reads, not only the project\'s config file'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -l global -d 'Read the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from get" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -l string -d 'Take VALUE as a string even when it parses as JSON'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from set" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -l if-exists -d 'A name that is not there is not an error: nothing to do for it'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from unset" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -l opencode -d 'JSON object: each top-level key is set in the OpenCode config (comments elsewhere kept)' -r
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -l openwork -d 'JSON object shallow-merged into .opencode/openwork.json' -r
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -l global -d 'Edit the user-wide OpenCode config ($XDG_CONFIG_HOME/opencode, else ~/.config/opencode) instead of the workspace\'s; not with --workspace'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand config; and __fish_seen_subcommand_from patch" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand export" -s o -l output -d 'Write to this file instead of standard output' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand export" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand export" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand export" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand export" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand export" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand export" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand export" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand import" -l mode -d 'How to import each part: KEY=merge|replace for opencode, openwork, skills, commands (repeatable)' -r
complete -c openwork -n "__fish_openwork_using_subcommand import" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand import" -l dry-run -d 'Print the diff that would be written and change nothing'
complete -c openwork -n "__fish_openwork_using_subcommand import" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand import" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand import" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand import" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand import" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand import" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -l strict -d 'Exit 1 on warnings too, not only on errors'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand doctor" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -s n -l limit -d 'How many entries, newest first' -r
complete -c openwork -n "__fish_openwork_using_subcommand audit" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand audit" -l global -d 'The log of the user-wide OpenCode config\'s writes (kept in openwork\'s state folder)'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand audit" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and not __fish_seen_subcommand_from discard" -f -a "discard" -d 'Remove the workspace\'s journal without finishing the write it holds'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -l global -d 'The journal of the user-wide OpenCode config (kept in openwork\'s state folder)'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand journal; and __fish_seen_subcommand_from discard" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l config -d 'Server config file (JSON)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l host -d 'Address to bind (default 127.0.0.1)' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l port -d 'Port to listen on; 0 picks a free one (default 8787)' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l token -d 'Client bearer token, 16 characters or more (default: generated, printed, kept). Visible to every local user on the command line: prefer --token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l token-file -d 'Read the client token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l host-token -d 'Host token for approvals, 16 characters or more (default: generated, printed, kept). Visible to every local user on the command line: prefer --host-token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l host-token-file -d 'Read the host token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l approval -d 'manual: every remote write waits for the host; auto: allow at once' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l approval-timeout -d 'How long a write waits for approval, in milliseconds (default 30000)' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l cors -d 'Allowed CORS origin (repeatable or a comma list; `*` for any, the default)' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l allowed-host -d 'A name the server answers to besides localhost, 127.0.0.1, `[::1]` and the bound address (repeatable or a comma list; NAME or NAME:PORT; `*` for any): requests whose Host is another get 421' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l opencode-base-url -d 'OpenCode server URL of the first workspace' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l opencode-directory -d 'OpenCode directory of the first workspace' -r
complete -c openwork -n "__fish_openwork_using_subcommand serve" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l rotate-tokens -d 'Replace the generated tokens kept for these workspaces with new ones (they live in the state folder\'s tokens/; see below)'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l read-only -d 'Refuse every write with 403 read_only'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand serve" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -l url -d 'Server URL (default: the running `openwork serve` found by its pairing file)' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -l host-token -d 'Host token (default: from the pairing file or the server config file). Visible to every local user on the command line: prefer --host-token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -l host-token-file -d 'Read the host token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -f -a "list" -d 'List pending approvals'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -f -a "allow" -d 'Allow a pending write (a unique id prefix is enough)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -f -a "deny" -d 'Deny a pending write (a unique id prefix is enough)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and not __fish_seen_subcommand_from list allow deny watch" -f -a "watch" -d 'Follow requests as they come and answer each one'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -l url -d 'Server URL (default: the running `openwork serve` found by its pairing file)' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -l host-token -d 'Host token (default: from the pairing file or the server config file). Visible to every local user on the command line: prefer --host-token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -l host-token-file -d 'Read the host token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -l url -d 'Server URL (default: the running `openwork serve` found by its pairing file)' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -l host-token -d 'Host token (default: from the pairing file or the server config file). Visible to every local user on the command line: prefer --host-token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -l host-token-file -d 'Read the host token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from allow" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -l url -d 'Server URL (default: the running `openwork serve` found by its pairing file)' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -l host-token -d 'Host token (default: from the pairing file or the server config file). Visible to every local user on the command line: prefer --host-token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -l host-token-file -d 'Read the host token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from deny" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l action -d 'Only decide requests of this action (e.g. plugins.add; repeatable; \'*\' for all)' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l reconnect-timeout -d 'When the server goes away, wait this long for it (or, when found by its pairing file, for a server of the same workspaces) before giving up' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l url -d 'Server URL (default: the running `openwork serve` found by its pairing file)' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l host-token -d 'Host token (default: from the pairing file or the server config file). Visible to every local user on the command line: prefer --host-token-file' -r
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l host-token-file -d 'Read the host token from this file (mode 0600; one line)' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l allow-all -d 'Allow every request of the --action kinds without asking (--action is required: give --action \'*\' to allow every write)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l deny-all -d 'Deny every request (of the --action kinds, if given) without asking'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand approvals; and __fish_seen_subcommand_from watch" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand completions" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand completions" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand completions" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand completions" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand completions" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand completions" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand completions" -s V -l version -d 'Print version'
complete -c openwork -n "__fish_openwork_using_subcommand man" -s w -l workspace -d 'Workspace folder to operate on (default: $OPENWORK_WORKSPACE, else the project of the current folder: the nearest folder up with opencode.json(c) or .opencode, else the git root, else the current folder; `-v` says which). `serve` takes it several times' -r -F
complete -c openwork -n "__fish_openwork_using_subcommand man" -l json -d 'Print machine-readable JSON (the HTTP API\'s shapes) instead of tables'
complete -c openwork -n "__fish_openwork_using_subcommand man" -s q -l quiet -d 'Print nothing on success'
complete -c openwork -n "__fish_openwork_using_subcommand man" -l no-color -d 'Never use colour (also: NO_COLOR=1)'
complete -c openwork -n "__fish_openwork_using_subcommand man" -s v -l verbose -d 'More detail on stderr (repeat for more)'
complete -c openwork -n "__fish_openwork_using_subcommand man" -s h -l help -d 'Print help'
complete -c openwork -n "__fish_openwork_using_subcommand man" -s V -l version -d 'Print version'
