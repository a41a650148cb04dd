#version 330 core
// Lambert shading from one directional light plus ambient; linear output (the framebuffer encodes sRGB).

uniform vec3 u_light_direction;  // unit vector pointing TOWARDS the light, world space
uniform float u_ambient;         // 0..1, the share of the colour that unlit faces keep

in vec3 v_normal;
in vec3 v_color;

layout(location = 0) out vec4 o_color;

void main() {
    float normal_length = length(v_normal);
    float light = 1.0;
    if (normal_length > 0.5) {
        float lambert = max(dot(v_normal / normal_length, u_light_direction), 0.0);
        light = u_ambient + (1.0 - u_ambient) * lambert;
    }
    o_color = vec4(v_color * light, 1.0);
}
