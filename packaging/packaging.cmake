# The Debian package (CPack): `cmake --build build --target package` or
# `cpack --config build/CPackConfig.cmake -G DEB` writes build/p1bridge_<version>_<arch>.deb with
#   /usr/bin/p1bridge, /usr/bin/p1sim
#   /usr/lib/systemd/system/p1bridge.service  (daemon/p1bridge.service, ExecStart at /usr/bin)
#   /etc/p1bridge/p1bridge.toml               (p1bridge.example.toml; a conffile, 0600 p1bridge)
#   /usr/share/doc/p1bridge/                  (README.md, p1bridge.example.toml)
# and a postinst that creates the system user p1bridge (group dialout) and
# /var/lib/p1bridge. See packaging/debian/.
include(GNUInstallDirs)

install(TARGETS p1bridge p1sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT p1bridge)

# The unit as the source tree has it, with ExecStart pointing at where this
# install puts the program (the source file says /usr/local/bin for the
# by-hand install of the README). Written at install time, so CPack's /usr
# prefix is the one used.
install(CODE "
  file(READ \"${PROJECT_SOURCE_DIR}/daemon/p1bridge.service\" unit)
  string(REPLACE \"/usr/local/bin/p1bridge\" \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_BINDIR}/p1bridge\" unit \"\${unit}\")
  set(dir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/lib/systemd/system\")
  file(MAKE_DIRECTORY \"\${dir}\")
  file(WRITE \"\${dir}/p1bridge.service\" \"\${unit}\")
  message(STATUS \"Installing: \${dir}/p1bridge.service\")
" COMPONENT p1bridge)

install(FILES ${PROJECT_SOURCE_DIR}/p1bridge.example.toml DESTINATION /etc/p1bridge RENAME p1bridge.toml
        PERMISSIONS OWNER_READ OWNER_WRITE COMPONENT p1bridge)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/p1bridge.example.toml
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT p1bridge)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME p1bridge)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "p1bridge maintainers <p1bridge@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Austrian smart meter (DLMS/COSEM, M-Bus/HDLC P1) to MQTT and Home Assistant")
set(CPACK_PACKAGE_DESCRIPTION "p1bridge reads the encrypted telegrams of Austrian smart meters on their customer interface, decrypts them with the key from the grid operator and publishes the values to an MQTT broker, with Home Assistant discovery. Includes p1sim, a simulated meter for trying it without one.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION net)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "adduser")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "mosquitto, mosquitto-clients")
set(CPACK_DEBIAN_PACKAGE_CONTROL_EXTRA
    ${PROJECT_SOURCE_DIR}/packaging/debian/conffiles
    ${PROJECT_SOURCE_DIR}/packaging/debian/postinst
    ${PROJECT_SOURCE_DIR}/packaging/debian/prerm
    ${PROJECT_SOURCE_DIR}/packaging/debian/postrm)
set(CPACK_DEBIAN_PACKAGE_CONTROL_STRICT_PERMISSION TRUE)
set(CPACK_COMPONENTS_ALL p1bridge)
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_STRIP_FILES ON)
include(CPack)
