# The dashboard's files (web/ and uPlot from tools/npm/node_modules) compiled into the binary, so `bulkmsg api`
# serves them with no Node.js and no files beside the executable. Hand-written rather than a resource tool: CMake
# alone reads the bytes, gzips them and writes one source of byte arrays (cmake/embed_dashboard_assets.cmake), at
# build time, after scripts/npm-tools has installed the pinned npm packages from tools/npm/package-lock.json.
function(bulkmsg_embed_dashboard output)
    set(uplot ${CMAKE_SOURCE_DIR}/tools/npm/node_modules/uplot/dist)
    # URL path | file | media type (served as UTF-8), one per asset; "/" is the page itself.
    set(assets
        "/|${CMAKE_SOURCE_DIR}/web/index.html|text/html"
        "/assets/app.css|${CMAKE_SOURCE_DIR}/web/app.css|text/css"
        "/assets/uPlot.min.css|${uplot}/uPlot.min.css|text/css"
        "/assets/uPlot.esm.js|${uplot}/uPlot.esm.js|text/javascript")
    file(GLOB scripts CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/web/js/*.js)
    list(SORT scripts)
    set(files ${CMAKE_SOURCE_DIR}/web/index.html ${CMAKE_SOURCE_DIR}/web/app.css)
    foreach(script IN LISTS scripts)
        get_filename_component(name ${script} NAME)
        list(APPEND assets "/assets/js/${name}|${script}|text/javascript")
        list(APPEND files ${script})
    endforeach()
    set(stamp ${CMAKE_BINARY_DIR}/npm-tools.stamp)
    add_custom_command(OUTPUT ${stamp}
        COMMAND ${CMAKE_SOURCE_DIR}/scripts/npm-tools install
        COMMAND ${CMAKE_COMMAND} -E touch ${stamp}
        DEPENDS ${CMAKE_SOURCE_DIR}/tools/npm/package.json ${CMAKE_SOURCE_DIR}/tools/npm/package-lock.json
        COMMENT "Installing the pinned npm packages (tools/npm) the dashboard embeds")
    string(REPLACE ";" "," asset_list "${assets}")
    add_custom_command(OUTPUT ${output}
        COMMAND ${CMAKE_COMMAND} "-DOUTPUT=${output}" "-DASSETS=${asset_list}"
            -P ${CMAKE_SOURCE_DIR}/cmake/embed_dashboard_assets.cmake
        DEPENDS ${files} ${stamp} ${CMAKE_SOURCE_DIR}/cmake/embed_dashboard_assets.cmake
        COMMENT "Embedding the dashboard's files"
        VERBATIM)
endfunction()
