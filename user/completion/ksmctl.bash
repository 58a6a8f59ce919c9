# SPDX-License-Identifier: GPL-2.0
# bash completion for ksmctl(8)

# Pids of running processes, for "show", "merge" and "unmerge".
_ksmctl_pids()
{
	local p pids=()

	for p in /proc/[0-9]*; do
		pids+=("${p#/proc/}")
	done
	COMPREPLY=($(compgen -W "${pids[*]}" -- "$1"))
}

# The values of the filters ps and top share, after $1; 1 if $1 is none.
_ksmctl_filter_value()
{
	case $1 in
	--by) COMPREPLY=($(compgen -W "cgroup" -- "$2")) ;;
	-u|--user) COMPREPLY=($(compgen -u -- "$2")) ;;
	--cgroup) COMPREPLY=($(compgen -d -- "${2:-/sys/fs/cgroup/}")) ;;
	--command) COMPREPLY=() ;;
	*) return 1 ;;
	esac
}

_ksmctl()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local commands="status ps top show merge unmerge rule apply monitor run ksmd version help"
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
	ksmd)
		if [[ $prev == ksmd ]]; then
			COMPREPLY=($(compgen -W "set start stop -j --json -h --help" -- "$cur"))
		elif [[ " ${COMP_WORDS[*]} " == *" set "* ]]; then
			local k knobs=()
			# the knobs ksmctl sets (ksmctl(8)) that this kernel has
			for k in run pages_to_scan sleep_millisecs max_page_sharing \
				merge_across_nodes use_zero_pages stable_node_chains_prune_millisecs \
				smart_scan advisor_mode advisor_max_cpu advisor_target_scan_time \
				advisor_min_pages_to_scan advisor_max_pages_to_scan; do
				[[ -e /sys/kernel/mm/ksm/$k ]] && knobs+=("$k=")
			done
			compopt -o nospace 2>/dev/null
			COMPREPLY=($(compgen -W "${knobs[*]}" -- "$cur"))
		fi
		;;
	status)
		case $prev in
		-o|--output)
			COMPREPLY=($(compgen -W "text json prometheus" -- "$cur"))
			return 0
			;;
		esac
		COMPREPLY=($(compgen -W "-j --json -h --help -o --output" -- "$cur"))
		;;
	ps)
		case $prev in
		-o|--output)
			COMPREPLY=($(compgen -W "text json prometheus" -- "$cur"))
			return 0
			;;
		-s|--sort)
			COMPREPLY=($(compgen -W "saved merging coverage pid profit" -- "$cur"))
			return 0
			;;
		-n|--top)
			COMPREPLY=()
			return 0
			;;
		esac
		_ksmctl_filter_value "$prev" "$cur" && return 0
		COMPREPLY=($(compgen -W "-j --json -h --help -o --output -a --all -p --proportional
			-s --sort -n --top -u --user --cgroup --command --by" -- "$cur"))
		;;
	top)
		case $prev in
		-s|--sort)
			COMPREPLY=($(compgen -W "saved change merging coverage pid profit" -- "$cur"))
			return 0
			;;
		-d|--delay|-n|--iterations)
			COMPREPLY=()
			return 0
			;;
		esac
		_ksmctl_filter_value "$prev" "$cur" && return 0
		COMPREPLY=($(compgen -W "-h --help -b --batch -d --delay -n --iterations -s --sort
			--by -p --proportional -a --all -u --user --cgroup --command" -- "$cur"))
		;;
	show)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-j --json -h --help --all-vmas" -- "$cur"))
		else
			_ksmctl_pids "$cur"
		fi
		;;
	merge|unmerge)
		case $prev in
		--only)
			# Complete the last item of a comma-separated list.
			local done=${cur%"${cur##*,}"} item=${cur##*,} c words=()

			for c in heap stack anon file; do
				[[ $c == "$item"* ]] && words+=("$done$c")
			done
			COMPREPLY=("${words[@]}")
			compopt -o nospace 2>/dev/null
			return 0
			;;
		--range)
			COMPREPLY=()
			return 0
			;;
		esac
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-j --json -h --help --tree --range --only" -- "$cur"))
		else
			_ksmctl_pids "$cur"
		fi
		;;
	rule)
		local sub="" j

		for ((j = i + 1; j < COMP_CWORD; j++)); do
			case ${COMP_WORDS[j]} in
			-*) ;;
			*) sub=${COMP_WORDS[j]}; break ;;
			esac
		done
		case $sub in
		"")
			COMPREPLY=($(compgen -W "add del list -j --json -h --help" -- "$cur"))
			;;
		add)
			case $prev in
			--pid)
				_ksmctl_pids "$cur"
				return 0
				;;
			--exe)
				COMPREPLY=($(compgen -f -- "$cur"))
				return 0
				;;
			--cgroup)
				COMPREPLY=($(compgen -d -- "${cur:-/sys/fs/cgroup/}"))
				return 0
				;;
			--uid)
				COMPREPLY=()
				return 0
				;;
			--comm)
				COMPREPLY=($(compgen -W "$(ps -eo comm= 2>/dev/null | sort -u)" -- "$cur"))
				return 0
				;;
			--action)
				COMPREPLY=($(compgen -W "merge never" -- "$cur"))
				return 0
				;;
			esac
			COMPREPLY=($(compgen -W "--pid --tree --cgroup --recursive --exe --comm --uid
				--action -h --help" -- "$cur"))
			;;
		del)
			COMPREPLY=($(compgen -W "$(awk 'NR > 1 { print $1 }' /proc/ksmctl/rules 2>/dev/null)" -- "$cur"))
			;;
		list)
			if [[ $prev == -o || $prev == --output ]]; then
				COMPREPLY=($(compgen -W "text json conf" -- "$cur"))
			else
				COMPREPLY=($(compgen -W "-j --json -o --output -h --help" -- "$cur"))
			fi
			;;
		esac
		;;
	apply)
		if [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-n --check -h --help" -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		;;
	monitor)
		COMPREPLY=($(compgen -W "-j --json -h --help" -- "$cur"))
		;;
	run)
		# the command and its arguments
		if [[ $COMP_CWORD -eq $((i + 1)) && $cur == -* ]]; then
			COMPREPLY=($(compgen -W "-h --help --" -- "$cur"))
		elif [[ $COMP_CWORD -eq $((i + 1)) || ($COMP_CWORD -eq $((i + 2)) && ${COMP_WORDS[i + 1]} == --) ]]; then
			COMPREPLY=($(compgen -c -- "$cur"))
		else
			COMPREPLY=($(compgen -f -- "$cur"))
		fi
		;;
	version)
		COMPREPLY=($(compgen -W "-j --json -h --help" -- "$cur"))
		;;
	help)
		[[ $prev == help ]] && COMPREPLY=($(compgen -W "${commands% help}" -- "$cur"))
		;;
	*)
		COMPREPLY=()
		;;
	esac
	return 0
}

complete -F _ksmctl ksmctl
