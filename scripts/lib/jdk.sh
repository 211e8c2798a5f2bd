# Shared by bin/dataplane and scripts/*: prints the home of a JDK >= 25 or explains where to get one.
jdk_major() {
    "$1/bin/java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2; exit}'
}
find_jdk25() {
    local candidates=()
    [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
    for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]*; do [ -d "$d" ] && candidates+=("$d"); done
    for c in "${candidates[@]}"; do
        if [ -x "$c/bin/java" ] && [ "$(jdk_major "$c")" -ge 25 ] 2>/dev/null; then
            echo "$c"; return 0
        fi
    done
    echo "dataplane: needs JDK 25. Set JAVA_HOME to a JDK 25 (e.g. /usr/lib/jvm/temurin-25-jdk-amd64) or install one under /usr/lib/jvm." >&2
    return 1
}
