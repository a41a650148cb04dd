#version 450 core
// The floor grid's colour as it is, opaque: what pbr.frag.glsl gives an unlit, untextured, white material.

in vec3 v_color;

layout(location = 0) out vec4 o_color;

void main() {
    o_color = vec4(v_color, 1.0);
}
