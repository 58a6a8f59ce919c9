# SPDX-License-Identifier: GPL-2.0
# bash completion for ksmctl(8)

_ksmctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]}
	local commands="status version help"
	local global_opts="-j --json -h --help -V --version"
	local cmd="" i

	for ((i = 1; i < COMP_CWORD; i++)); do
		case ${COMP_WORDS[i]} in
		-*) ;;
		*) cmd=${COMP_WORDS[i]}; break ;;
		esac
	done

	if [[ -z $cmd ]]; then
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "$global_opts" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "$commands" -- "$cur"))
		fi
		return 0
	fi

	case $cmd in
	status|version)
		COMPREPLY=($(compgen -W "-j --json -h --help" -- "$cur"))
		;;
	*)
		COMPREPLY=()
		;;
	esac
	return 0
}

complete -F _ksmctl ksmctl
